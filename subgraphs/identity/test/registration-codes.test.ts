import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '@membership/db';
import { TEST_ENV, startTestStack, type TestStack } from '@membership/testing';
import { createKeyRing, lookupHash } from '../src/domain/encryption.js';
import { loadIdentityEnv } from '../src/env.js';

// Near real time: the gateway checks access tokens against the wall clock.
let clock = new Date();
const advance = (minutes: number) => (clock = new Date(clock.getTime() + minutes * 60_000));
let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ now: () => clock, env: { REGISTRATION_CODE_REQUIRED: 'true' } });
});
afterAll(async () => {
  await stack?.stop();
});

const ring = createKeyRing(loadIdentityEnv({ ...TEST_ENV }));
const REQUEST = `mutation ($input: RegistrationCodeInput!) { requestRegistrationCode(input: $input) { channel sentTo expiresAt resendAfter } }`;
const REGISTER = `mutation ($input: RegisterInput!) { register(input: $input) { accessToken member { id displayName } } }`;
const LOGIN = `mutation ($login: String!, $password: String!) { login(input: { login: $login, password: $password }) { accessToken } }`;
const PASSWORD = 'Harbour-lights-42';
const codeOf = (res: { body: { errors?: { extensions?: { code?: string } }[] } }) => res.body.errors?.[0]?.extensions?.code;

/** The code in the newest message the development notifier wrote for this contact. */
async function codeSentTo(kind: 'email' | 'phone', contact: string): Promise<string> {
  const [row] = await stack.database.rows<{ body: string }>(
    sql`select body from identity.notifications_outbox where recipient_lookup = ${lookupHash(ring, kind, contact)} order by created_at desc limit 1`,
  );
  const code = /\b(\d{6})\b/.exec(row?.body ?? '')?.[1];
  if (!code) throw new Error(`no code was sent to ${contact}`);
  return code;
}
async function count(table: string): Promise<number> {
  const [row] = await stack.database.rows<{ n: string | number }>(sql.raw(`select count(*) as n from identity.${table}`));
  return Number(row?.n);
}

describe('registering with a one-time code', () => {
  it('Jia asks for a code by email, registers with it and her email counts as verified', async () => {
    const sent = await stack.gql(REQUEST, { input: { email: 'Jia@Example.com' } });
    expect(sent.body.errors).toBeUndefined();
    expect(sent.body.data.requestRegistrationCode).toMatchObject({ channel: 'EMAIL', sentTo: 'j***@example.com' });
    expect(Date.parse(sent.body.data.requestRegistrationCode.expiresAt) - clock.getTime()).toBe(10 * 60_000);

    const code = await codeSentTo('email', 'jia@example.com');
    const codes = await stack.database.rows<{ row: string }>(sql`select t::text as row from identity.registration_codes t`);
    expect(codes.map((r) => r.row).join('\n')).not.toContain(code);

    const res = await stack.gql(REGISTER, { input: { email: 'jia@example.com', password: PASSWORD, displayName: 'Jia', code } });
    expect(res.body.errors).toBeUndefined();
    const me = await stack.gql('{ me { displayName emailVerifiedAt phoneVerifiedAt } }', {}, { token: res.body.data.register.accessToken });
    expect(me.body.data.me).toEqual({ displayName: 'Jia', emailVerifiedAt: clock.toISOString(), phoneVerifiedAt: null });
  });

  it('Kai registers by phone with a code sent by text message', async () => {
    const sent = await stack.gql(REQUEST, { input: { phone: '139 2222 3333' } });
    expect(sent.body.data.requestRegistrationCode).toMatchObject({ channel: 'PHONE', sentTo: '139****3333' });
    const code = await codeSentTo('phone', '+8613922223333');
    const res = await stack.gql(REGISTER, { input: { phone: '+8613922223333', password: PASSWORD, displayName: 'Kai', code } });
    expect(res.body.errors).toBeUndefined();
  });

  it('Lin registering without a code while codes are required is BAD_USER_INPUT naming the code, and nothing is written', async () => {
    const members = await count('members');
    const res = await stack.gql(REGISTER, { input: { email: 'lin@example.com', password: PASSWORD, displayName: 'Lin' } });
    expect(codeOf(res)).toBe('BAD_USER_INPUT');
    expect(res.body.errors?.[0]?.extensions?.field).toBe('code');
    expect(await count('members')).toBe(members);
  });

  it("Mei's wrong codes say how many tries are left; after five even the right code is refused until she asks again", async () => {
    await stack.gql(REQUEST, { input: { email: 'mei@example.com' } });
    const right = await codeSentTo('email', 'mei@example.com');
    const wrong = right === '000000' ? '000001' : '000000';
    const attempt = (code: string) =>
      stack.gql(REGISTER, { input: { email: 'mei@example.com', password: PASSWORD, displayName: 'Mei', code } });

    const first = await attempt(wrong);
    expect(codeOf(first)).toBe('BAD_USER_INPUT');
    expect(first.body.errors?.[0]?.message).toMatch(/4 attempts left/);
    for (let i = 0; i < 4; i++) await attempt(wrong);
    const exhausted = await attempt(right);
    expect(codeOf(exhausted)).toBe('BAD_USER_INPUT');
    expect(exhausted.body.errors?.[0]?.message).toMatch(/Too many wrong codes/);

    advance(1);
    await stack.gql(REQUEST, { input: { email: 'mei@example.com' } });
    const again = await attempt(await codeSentTo('email', 'mei@example.com'));
    expect(again.body.errors).toBeUndefined();
  });

  it("Nia's code expires after ten minutes", async () => {
    await stack.gql(REQUEST, { input: { email: 'nia@example.com' } });
    const code = await codeSentTo('email', 'nia@example.com');
    advance(11);
    const res = await stack.gql(REGISTER, { input: { email: 'nia@example.com', password: PASSWORD, displayName: 'Nia', code } });
    expect(codeOf(res)).toBe('BAD_USER_INPUT');
    expect(res.body.errors?.[0]?.message).toMatch(/expired/);
  });

  it('Omar asking for a second code within a minute is RATE_LIMITED; a code asked for later replaces the first', async () => {
    await stack.gql(REQUEST, { input: { email: 'omar@example.com' } });
    const first = await codeSentTo('email', 'omar@example.com');
    const soon = await stack.gql(REQUEST, { input: { email: 'omar@example.com' } });
    expect(codeOf(soon)).toBe('RATE_LIMITED');
    expect(soon.body.errors?.[0]?.extensions?.retryAfterSeconds).toBe(60);

    advance(1);
    await stack.gql(REQUEST, { input: { email: 'omar@example.com' } });
    const second = await codeSentTo('email', 'omar@example.com');
    if (first !== second) {
      const old = await stack.gql(REGISTER, { input: { email: 'omar@example.com', password: PASSWORD, displayName: 'Omar', code: first } });
      expect(codeOf(old)).toBe('BAD_USER_INPUT');
    }
    const res = await stack.gql(REGISTER, { input: { email: 'omar@example.com', password: PASSWORD, displayName: 'Omar', code: second } });
    expect(res.body.errors).toBeUndefined();
  });

  it("Pia's right code with a weak password is refused without using the code up", async () => {
    await stack.gql(REQUEST, { input: { email: 'pia@example.com' } });
    const code = await codeSentTo('email', 'pia@example.com');
    const weak = await stack.gql(REGISTER, { input: { email: 'pia@example.com', password: 'password', displayName: 'Pia', code } });
    expect(weak.body.errors?.[0]?.extensions?.field).toBe('password');
    const ok = await stack.gql(REGISTER, { input: { email: 'pia@example.com', password: PASSWORD, displayName: 'Pia', code } });
    expect(ok.body.errors).toBeUndefined();
  });

  it("a code works once: Qiu's two registrations racing with one code make exactly one account", async () => {
    await stack.gql(REQUEST, { input: { email: 'qiu@example.com' } });
    const code = await codeSentTo('email', 'qiu@example.com');
    const members = await count('members');
    const input = { email: 'qiu@example.com', password: PASSWORD, displayName: 'Qiu', code };
    const results = await Promise.all([1, 2].map(() => stack.gql(REGISTER, { input })));
    expect(results.filter((r) => !r.body.errors)).toHaveLength(1);
    expect(await count('members')).toBe(members + 1);
    const [row] = await stack.database.rows<{ consumed: boolean }>(
      sql`select consumed_at is not null as consumed from identity.registration_codes where contact_lookup = ${lookupHash(ring, 'email', 'qiu@example.com')}`,
    );
    expect(row?.consumed).toBe(true);
  });

  it.each([
    ['both an email and a phone', { email: 'x@example.com', phone: '+8613900000000' }, 'BAD_USER_INPUT'],
    ['neither an email nor a phone', {}, 'BAD_USER_INPUT'],
    ['a malformed email', { email: 'not-an-email' }, 'BAD_USER_INPUT'],
  ])('asking for a code with %s is refused and sends nothing', async (_what, input, code) => {
    const before = await count('notifications_outbox');
    const res = await stack.gql(REQUEST, { input });
    expect(codeOf(res)).toBe(code);
    expect(await count('notifications_outbox')).toBe(before);
  });
});

describe('whether an account exists is not told', () => {
  /** The newest message the development notifier wrote for this contact. */
  const lastMessage = async (kind: 'email' | 'phone', contact: string) =>
    (
      await stack.database.rows<{ body: string; template: string }>(
        sql`select body, template from identity.notifications_outbox where recipient_lookup = ${lookupHash(ring, kind, contact)} order by created_at desc limit 1`,
      )
    )[0];
  const shape = (res: { body: { data?: { requestRegistrationCode?: Record<string, unknown> } | null; errors?: unknown } }) => ({
    errors: res.body.errors,
    keys: Object.keys(res.body.data?.requestRegistrationCode ?? {}).sort(),
    channel: res.body.data?.requestRegistrationCode?.channel,
  });

  it("asking for a code with Ana's registered email answers like any other email; Ana gets a message saying someone tried, and no code", async () => {
    advance(2);
    const taken = await stack.gql(REQUEST, { input: { email: 'ana@example.com' } });
    const free = await stack.gql(REQUEST, { input: { email: 'ursula@example.com' } });
    expect(shape(taken)).toEqual(shape(free));
    expect(taken.body.data.requestRegistrationCode.sentTo).toBe('a***@example.com');
    const message = await lastMessage('email', 'ana@example.com');
    expect(message?.template).toBe('account-exists');
    expect(message?.body).toMatch(/already has one/);
    expect(message?.body).not.toMatch(/\b\d{6}\b/);
    expect((await lastMessage('email', 'ursula@example.com'))?.template).toBe('registration-code');
  });

  it("asking again within a minute is RATE_LIMITED for Ana's email and for a free one alike", async () => {
    const taken = await stack.gql(REQUEST, { input: { email: 'ana@example.com' } });
    const free = await stack.gql(REQUEST, { input: { email: 'ursula@example.com' } });
    expect([codeOf(taken), codeOf(free)]).toEqual(['RATE_LIMITED', 'RATE_LIMITED']);
    expect(taken.body.errors?.[0]?.message).toBe(free.body.errors?.[0]?.message);
  });

  it("registering with Ana's email and a guessed code is the same wrong-code answer as for a free email: no CONFLICT before a right code", async () => {
    const taken = await stack.gql(REGISTER, {
      input: { email: 'ana@example.com', password: PASSWORD, displayName: 'Not Ana', code: '000000' },
    });
    const free = await stack.gql(REGISTER, {
      input: { email: 'ursula@example.com', password: PASSWORD, displayName: 'Ursula', code: '000000' },
    });
    expect(codeOf(taken)).toBe('BAD_USER_INPUT');
    expect(taken.body.errors?.[0]?.message).toBe(free.body.errors?.[0]?.message);
  });

  it("Bo's registered phone: a code request answers like any phone, and Bo gets the account-exists text", async () => {
    const res = await stack.gql(REQUEST, { input: { phone: '+8613812345678' } });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.requestRegistrationCode).toMatchObject({ channel: 'PHONE', sentTo: '138****5678' });
    expect((await lastMessage('phone', '+8613812345678'))?.template).toBe('account-exists');
  });
});

describe('limits on sending codes', () => {
  it('one contact gets at most 5 codes an hour, whoever asks; the sixth is RATE_LIMITED with when to try again', async () => {
    // At the start of an hour's window, so all six fall in one.
    clock = new Date(Math.ceil(clock.getTime() / 3_600_000) * 3_600_000 + 1000);
    const ask = () => stack.gql(REQUEST, { input: { email: 'vera@example.com' } });
    for (let i = 0; i < 5; i++) {
      expect((await ask()).body.errors).toBeUndefined();
      advance(1.1);
    }
    const sixth = await ask();
    expect(codeOf(sixth)).toBe('RATE_LIMITED');
    const retry = Number(sixth.body.errors?.[0]?.extensions?.retryAfterSeconds);
    expect(retry).toBeGreaterThan(0);
    expect(retry).toBeLessThanOrEqual(3600);
    expect(sixth.body.errors?.[0]?.message).toMatch(/this contact/);
  });
});

describe('growing lockout', () => {
  const attempt = (password: string) => stack.gql(LOGIN, { login: 'chen@example.com', password });
  const lockFor = async () => {
    for (let i = 0; i < 4; i++) expect(codeOf(await attempt('Wrong-password-1'))).toBe('UNAUTHENTICATED');
    const locked = await attempt('Wrong-password-1');
    expect(codeOf(locked)).toBe('RATE_LIMITED');
    return Math.round(Number(locked.body.errors?.[0]?.extensions?.retryAfterSeconds) / 60);
  };

  it("Chen's second lock in a row lasts twice as long as the first; signing in successfully starts over", async () => {
    expect(await lockFor()).toBe(15);
    advance(16);
    expect(await lockFor()).toBe(30);
    advance(31);
    expect((await attempt(stack.demo[2].password)).body.errors).toBeUndefined();
    expect(await lockFor()).toBe(15);
  });
});
