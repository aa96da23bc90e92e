import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '@membership/db';
import { startTestStack, type TestStack } from '@membership/testing';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

const REGISTER = `mutation Register($input: RegisterInput!) {
  register(input: $input) { accessToken expiresAt member { id displayName } }
}`;
const LOGIN = `mutation Login($input: LoginInput!) { login(input: $input) { accessToken member { id displayName } } }`;

async function memberCount(): Promise<number> {
  const [row] = await stack.database.rows<{ n: string | number }>(sql`select count(*) as n from identity.members`);
  return Number(row?.n);
}
async function outboxCount(): Promise<number> {
  const [row] = await stack.database.rows<{ n: string | number }>(sql`select count(*) as n from identity.outbox`);
  return Number(row?.n);
}

describe('registration', () => {
  it('Eve registers with an email address, gets a working token and her MemberRegistered event', async () => {
    const before = await outboxCount();
    const res = await stack.gql(REGISTER, { input: { email: 'Eve@Example.com', password: 'Harbour-lights-42', displayName: 'Eve' } });
    expect(res.body.errors).toBeUndefined();
    const { accessToken, member } = res.body.data.register;
    expect(member.displayName).toBe('Eve');
    expect(await outboxCount()).toBe(before + 1);
    const me = await stack.gql('{ me { id displayName email } }', {}, { token: accessToken });
    expect(me.body.data.me).toEqual({ id: member.id, displayName: 'Eve', email: 'eve@example.com' });
  });

  it('Fang registers with a mainland mobile number and signs in with it', async () => {
    const res = await stack.gql(REGISTER, { input: { phone: '139 0000 1111', password: 'Harbour-lights-42', displayName: 'Fang' } });
    expect(res.body.errors).toBeUndefined();
    const login = await stack.gql(LOGIN, { input: { login: '+8613900001111', password: 'Harbour-lights-42' } });
    expect(login.body.data.login.member.displayName).toBe('Fang');
  });

  it.each([
    ['a malformed email', { email: 'not-an-email', password: 'Harbour-lights-42', displayName: 'X' }, 'email'],
    ['a malformed phone', { phone: '12', password: 'Harbour-lights-42', displayName: 'X' }, 'phone'],
    ['a weak password', { email: 'weak@example.com', password: 'password', displayName: 'X' }, 'password'],
    ['neither email nor phone', { password: 'Harbour-lights-42', displayName: 'X' }, 'email'],
    ['an empty display name', { email: 'noname@example.com', password: 'Harbour-lights-42', displayName: '  ' }, 'displayName'],
  ])('registering with %s is BAD_USER_INPUT naming the field, and writes nothing', async (_what, input, field) => {
    const [members, events] = [await memberCount(), await outboxCount()];
    const res = await stack.gql(REGISTER, { input });
    expect(res.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.body.errors?.[0]?.extensions?.field).toBe(field);
    expect(res.body.errors?.[0]?.message).not.toMatch(/at .*\.ts|select|insert/i);
    expect([await memberCount(), await outboxCount()]).toEqual([members, events]);
  });

  it("registering Ana's email again is CONFLICT and writes nothing", async () => {
    const members = await memberCount();
    const res = await stack.gql(REGISTER, { input: { email: 'ANA@example.com', password: 'Harbour-lights-42', displayName: 'Ana 2' } });
    expect(res.body.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(res.body.errors?.[0]?.message).toMatch(/already exists/);
    expect(await memberCount()).toBe(members);
  });

  it('two registrations racing for one email make exactly one account', async () => {
    const members = await memberCount();
    const input = { email: 'race@example.com', password: 'Harbour-lights-42', displayName: 'Racer' };
    const results = await Promise.all([1, 2, 3].map(() => stack.gql(REGISTER, { input })));
    const ok = results.filter((r) => !r.body.errors);
    const conflicts = results.filter((r) => r.body.errors?.[0]?.extensions?.code === 'CONFLICT');
    expect(ok).toHaveLength(1);
    expect(conflicts).toHaveLength(2);
    expect(await memberCount()).toBe(members + 1);
  });
});

describe('sign-in', () => {
  it('Ana signs in with her demo password', async () => {
    const res = await stack.gql(LOGIN, { input: { login: 'ana@example.com', password: stack.demo[0].password } });
    expect(res.body.data.login.member.displayName).toBe('Ana');
  });

  it('a wrong password or an unknown account is UNAUTHENTICATED with the same message', async () => {
    const wrong = await stack.gql(LOGIN, { input: { login: 'dee@example.com', password: 'Not-her-password-1' } });
    const unknown = await stack.gql(LOGIN, { input: { login: 'nobody@example.com', password: 'Not-her-password-1' } });
    expect(wrong.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(unknown.body.errors?.[0]?.message).toBe(wrong.body.errors?.[0]?.message);
  });

  it('five wrong passwords lock Chen out, even from the right password, and say for how long', async () => {
    const attempt = (password: string) => stack.gql(LOGIN, { input: { login: 'chen@example.com', password } });
    for (let i = 0; i < 4; i++) expect((await attempt('Wrong-password-1')).body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const fifth = await attempt('Wrong-password-1');
    expect(fifth.body.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    expect(fifth.body.errors?.[0]?.message).toMatch(/try again in 15 minutes/);
    const right = await attempt(stack.demo[2].password);
    expect(right.body.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    expect(right.body.errors?.[0]?.extensions?.retryAfterSeconds).toBeGreaterThan(800);
  });

  it('a member who is not signed in asking for me is told to sign in', async () => {
    const res = await stack.gql('{ me { id } }');
    expect(res.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('an expired or forged token is refused with 401 UNAUTHENTICATED', async () => {
    const token = await stack.memberToken(stack.demo[0].id);
    const forged = `${token.slice(0, -4)}AAAA`;
    const res = await stack.gql('{ me { id } }', {}, { token: forged });
    expect(res.status).toBe(401);
    expect(res.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
