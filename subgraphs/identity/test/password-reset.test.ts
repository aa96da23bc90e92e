import { describe, expect, it } from 'vitest';
import { sql } from '@membership/db';
import { TEST_ENV, type TestStack } from '@membership/testing';
import { useTestStack } from '@membership/testing/per-file';
import { createKeyRing, lookupHash } from '../src/domain/encryption.js';
import { loadIdentityEnv } from '../src/env.js';

// Near real time: the gateway checks access tokens against the wall clock.
let clock = new Date();
const advance = (minutes: number) => (clock = new Date(clock.getTime() + minutes * 60_000));
let stack: TestStack;
useTestStack({ now: () => clock, started: (s) => (stack = s) });

const ring = createKeyRing(loadIdentityEnv({ ...TEST_ENV }));
const REQUEST = `mutation ($login: String!) { requestPasswordReset(login: $login) { channel sentTo expiresAt } }`;
const RESET = `mutation ($login: String!, $code: String!, $password: String!) { resetPassword(login: $login, code: $code, newPassword: $password) }`;
const LOGIN = `mutation ($login: String!, $password: String!) { login(input: { login: $login, password: $password }) { accessToken refreshToken } }`;
const REFRESH = `mutation ($t: String!) { refreshSession(refreshToken: $t) { accessToken } }`;
const NEW_PASSWORD = 'Lantern-river-77';
const codeOf = (res: { body: { errors?: { extensions?: { code?: string } }[] } }) => res.body.errors?.[0]?.extensions?.code;
const messageOf = (res: { body: { errors?: { message?: string }[] } }) => res.body.errors?.[0]?.message ?? '';

async function count(table: string): Promise<number> {
  const [row] = await stack.database.rows<{ n: string | number }>(sql.raw(`select count(*) as n from identity.${table}`));
  return Number(row?.n);
}
/** The code in the newest password reset message the development notifier wrote for this contact. */
async function resetCodeSentTo(kind: 'email' | 'phone', contact: string): Promise<string> {
  const [row] = await stack.database.rows<{ body: string }>(
    sql`select body from identity.notifications_outbox where recipient_lookup = ${lookupHash(ring, kind, contact)}
        and template = 'password-reset-code' order by created_at desc limit 1`,
  );
  const code = /\b(\d{6})\b/.exec(row?.body ?? '')?.[1];
  if (!code) throw new Error(`no reset code was sent to ${contact}`);
  return code;
}
async function signIn(login: string, password: string) {
  const res = await stack.gql(LOGIN, { login, password });
  expect(res.body.errors).toBeUndefined();
  return res.body.data.login as { accessToken: string; refreshToken: string };
}
const otherCode = (code: string) => (code === '000000' ? '000001' : '000000');

describe('resetting a forgotten password', () => {
  it('Ana resets her password with the code sent to her email: every session she had ends and only the new password works', async () => {
    const laptop = await signIn('ana@example.com', stack.demo[0].password);
    const phone = await signIn('ana@example.com', stack.demo[0].password);

    const sent = await stack.gql(REQUEST, { login: 'Ana@Example.com' });
    expect(sent.body.errors).toBeUndefined();
    expect(sent.body.data.requestPasswordReset).toMatchObject({ channel: 'EMAIL', sentTo: 'a***@example.com' });
    const code = await resetCodeSentTo('email', 'ana@example.com');
    const stored = await stack.database.rows<{ row: string }>(sql`select t::text as row from identity.password_reset_codes t`);
    expect(stored.map((r) => r.row).join('\n')).not.toContain(code);

    const res = await stack.gql(RESET, { login: 'ana@example.com', code, password: NEW_PASSWORD });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.resetPassword).toBe(true);

    for (const session of [laptop, phone]) expect(codeOf(await stack.gql(REFRESH, { t: session.refreshToken }))).toBe('UNAUTHENTICATED');
    const [live] = await stack.database.rows<{ n: string | number }>(
      sql`select count(*) as n from identity.refresh_tokens where member_id = ${stack.demo[0].id} and revoked_at is null`,
    );
    expect(Number(live?.n)).toBe(0);
    expect(codeOf(await stack.gql(LOGIN, { login: 'ana@example.com', password: stack.demo[0].password }))).toBe('UNAUTHENTICATED');
    await signIn('ana@example.com', NEW_PASSWORD);
  });

  it("Ana's reset code works only once", async () => {
    advance(2);
    await stack.gql(REQUEST, { login: 'ana@example.com' });
    const code = await resetCodeSentTo('email', 'ana@example.com');
    expect((await stack.gql(RESET, { login: 'ana@example.com', code, password: 'Second-lantern-78' })).body.errors).toBeUndefined();
    const again = await stack.gql(RESET, { login: 'ana@example.com', code, password: 'Third-lantern-79' });
    expect(codeOf(again)).toBe('BAD_USER_INPUT');
    expect(messageOf(again)).toMatch(/already used/);
    await signIn('ana@example.com', 'Second-lantern-78');
  });

  it('Bo resets by phone with a code sent by text message', async () => {
    const sent = await stack.gql(REQUEST, { login: '138 1234 5678' });
    expect(sent.body.data.requestPasswordReset).toMatchObject({ channel: 'PHONE', sentTo: '138****5678' });
    const code = await resetCodeSentTo('phone', '+8613812345678');
    expect((await stack.gql(RESET, { login: '+8613812345678', code, password: NEW_PASSWORD })).body.errors).toBeUndefined();
    await signIn('+8613812345678', NEW_PASSWORD);
  });

  it('Chen, locked out after five wrong passwords, resets his password and can sign in at once', async () => {
    for (let i = 0; i < 5; i++) await stack.gql(LOGIN, { login: 'chen@example.com', password: 'Wrong-password-1' });
    expect(codeOf(await stack.gql(LOGIN, { login: 'chen@example.com', password: stack.demo[2].password }))).toBe('RATE_LIMITED');
    await stack.gql(REQUEST, { login: 'chen@example.com' });
    const code = await resetCodeSentTo('email', 'chen@example.com');
    expect((await stack.gql(RESET, { login: 'chen@example.com', code, password: NEW_PASSWORD })).body.errors).toBeUndefined();
    await signIn('chen@example.com', NEW_PASSWORD);
  });
});

describe('a reset that does not reveal accounts', () => {
  it('a stranger asking for a reset for an unknown email gets the same kind of answer as Dee, and nothing is sent or stored', async () => {
    const [notifications, codes] = [await count('notifications_outbox'), await count('password_reset_codes')];
    const stranger = await stack.gql(REQUEST, { login: 'nobody@example.com' });
    expect(stranger.body.errors).toBeUndefined();
    expect(stranger.body.data.requestPasswordReset).toEqual({
      channel: 'EMAIL',
      sentTo: 'n***@example.com',
      expiresAt: new Date(clock.getTime() + 10 * 60_000).toISOString(),
    });
    expect(await count('notifications_outbox')).toBe(notifications);
    expect(await count('password_reset_codes')).toBe(codes);

    const dee = await stack.gql(REQUEST, { login: 'dee@example.com' });
    expect(dee.body.data.requestPasswordReset).toEqual({ ...stranger.body.data.requestPasswordReset, sentTo: 'd***@example.com' });
    expect(await count('password_reset_codes')).toBe(codes + 1);
  });

  it('a stranger trying a code for an unknown email is told exactly what Eli, who never asked for a code, is told', async () => {
    const eli = await stack.gql(`mutation ($input: RegisterInput!) { register(input: $input) { accessToken } }`, {
      input: { email: 'eli@example.com', password: NEW_PASSWORD, displayName: 'Eli' },
    });
    expect(eli.body.errors).toBeUndefined();
    const unknown = await stack.gql(RESET, { login: 'nobody@example.com', code: '123456', password: NEW_PASSWORD });
    const noCode = await stack.gql(RESET, { login: 'eli@example.com', code: '123456', password: NEW_PASSWORD });
    expect(codeOf(unknown)).toBe('BAD_USER_INPUT');
    const answer = (res: typeof unknown) => {
      const [error] = res.body.errors ?? [];
      return { message: error?.message, code: error?.extensions?.code, field: error?.extensions?.field };
    };
    expect(answer(unknown)).toEqual(answer(noCode));
    expect(messageOf(unknown)).toMatch(/No password reset code is waiting/);
  });

  it('Dee asking twice within a minute is sent one code, and the answer does not change', async () => {
    advance(2);
    const codes = await count('password_reset_codes');
    const first = await stack.gql(REQUEST, { login: 'dee@example.com' });
    const second = await stack.gql(REQUEST, { login: 'dee@example.com' });
    expect(second.body).toEqual(first.body);
    expect(await count('password_reset_codes')).toBe(codes + 1);
  });
});

describe('bad password resets change nothing', () => {
  const passwordHashOf = async (memberId: string) =>
    (await stack.database.rows<{ h: string }>(sql`select password_hash as h from identity.members where id = ${memberId}`))[0]?.h;

  it("Dee's wrong codes say how many tries are left; after five even the right code is refused and her password stays", async () => {
    advance(2);
    await stack.gql(REQUEST, { login: 'dee@example.com' });
    const right = await resetCodeSentTo('email', 'dee@example.com');
    const before = await passwordHashOf(stack.demo[3].id);
    const attempt = (code: string) => stack.gql(RESET, { login: 'dee@example.com', code, password: NEW_PASSWORD });
    const first = await attempt(otherCode(right));
    expect(codeOf(first)).toBe('BAD_USER_INPUT');
    expect(messageOf(first)).toMatch(/4 attempts left/);
    for (let i = 0; i < 4; i++) await attempt(otherCode(right));
    const exhausted = await attempt(right);
    expect(codeOf(exhausted)).toBe('BAD_USER_INPUT');
    expect(messageOf(exhausted)).toMatch(/Too many wrong codes/);
    expect(await passwordHashOf(stack.demo[3].id)).toBe(before);
    await signIn('dee@example.com', stack.demo[3].password);
  });

  it("Dee's reset code expires after ten minutes", async () => {
    advance(2);
    await stack.gql(REQUEST, { login: 'dee@example.com' });
    const code = await resetCodeSentTo('email', 'dee@example.com');
    advance(11);
    const res = await stack.gql(RESET, { login: 'dee@example.com', code, password: NEW_PASSWORD });
    expect(codeOf(res)).toBe('BAD_USER_INPUT');
    expect(messageOf(res)).toMatch(/expired/);
    await signIn('dee@example.com', stack.demo[3].password);
  });

  it("Dee's right code with a common password is refused without using the code up or ending her sessions", async () => {
    // An hour on: Dee has asked for five resets this hour, the most one login gets.
    advance(61);
    expect((await stack.gql(REQUEST, { login: 'dee@example.com' })).body.errors).toBeUndefined();
    const code = await resetCodeSentTo('email', 'dee@example.com');
    const session = await signIn('dee@example.com', stack.demo[3].password);
    const weak = await stack.gql(RESET, { login: 'dee@example.com', code, password: 'Password123' });
    expect(codeOf(weak)).toBe('BAD_USER_INPUT');
    expect(weak.body.errors?.[0]?.extensions?.field).toBe('newPassword');
    expect((await stack.gql(REFRESH, { t: session.refreshToken })).body.errors).toBeUndefined();
    expect((await stack.gql(RESET, { login: 'dee@example.com', code, password: NEW_PASSWORD })).body.errors).toBeUndefined();
  });

  it.each([
    ['a login that is neither an email nor a phone number', { login: 'dee', code: '123456', password: NEW_PASSWORD }, 'login'],
    ['a code that is not six digits', { login: 'dee@example.com', code: 'abc', password: NEW_PASSWORD }, 'code'],
  ])('a reset with %s is BAD_USER_INPUT and writes nothing', async (_what, vars, field) => {
    const codes = await stack.database.rows<{ row: string }>(sql`select t::text as row from identity.password_reset_codes t order by id`);
    const res = await stack.gql(RESET, vars);
    expect(codeOf(res)).toBe('BAD_USER_INPUT');
    expect(res.body.errors?.[0]?.extensions?.field).toBe(field);
    expect(await stack.database.rows<{ row: string }>(sql`select t::text as row from identity.password_reset_codes t order by id`)).toEqual(
      codes,
    );
  });
});
