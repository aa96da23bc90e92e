import { describe, expect, it } from 'vitest';
import { sql } from '@membership/db';
import { type TestStack } from '@membership/testing';
import { useTestStack } from '@membership/testing/per-file';

/** The clock every server reads; tests move it forward to expire sessions. */
// Near real time: the gateway checks access tokens against the wall clock.
let clock = new Date();
let stack: TestStack;
useTestStack({ now: () => clock, started: (s) => (stack = s) });

const SESSION = 'accessToken expiresAt refreshToken refreshExpiresAt member { id displayName }';
const LOGIN = `mutation ($login: String!, $password: String!) { login(input: { login: $login, password: $password }) { ${SESSION} } }`;
const REFRESH = `mutation ($t: String!) { refreshSession(refreshToken: $t) { ${SESSION} } }`;
const LOGOUT = `mutation ($t: String!) { logout(refreshToken: $t) }`;
const CHANGE = `mutation ($current: String!, $next: String!) { changePassword(currentPassword: $current, newPassword: $next) { ${SESSION} } }`;

async function signIn(login: string, password: string) {
  const res = await stack.gql(LOGIN, { login, password });
  expect(res.body.errors).toBeUndefined();
  return res.body.data.login as { accessToken: string; refreshToken: string; refreshExpiresAt: string; member: { id: string } };
}
const refresh = (token: string) => stack.gql(REFRESH, { t: token });
const codeOf = (res: { body: { errors?: { extensions?: { code?: string } }[] } }) => res.body.errors?.[0]?.extensions?.code;

describe('refresh tokens', () => {
  it('Ana renews her session: she gets a new access token that works and a new refresh token', async () => {
    const first = await signIn('ana@example.com', stack.demo[0].password);
    expect(first.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Date.parse(first.refreshExpiresAt) - clock.getTime()).toBe(30 * 86_400_000);

    const renewed = await refresh(first.refreshToken);
    expect(renewed.body.errors).toBeUndefined();
    const next = renewed.body.data.refreshSession;
    expect(next.member.displayName).toBe('Ana');
    expect(next.refreshToken).not.toBe(first.refreshToken);
    const me = await stack.gql('{ me { displayName } }', {}, { token: next.accessToken });
    expect(me.body.data.me.displayName).toBe('Ana');
  });

  it("only the hash of Ana's refresh token is stored, never the token", async () => {
    const session = await signIn('ana@example.com', stack.demo[0].password);
    const rows = await stack.database.rows<{ row: string }>(sql`select t::text as row from identity.refresh_tokens t`);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.map((r) => r.row).join('\n')).not.toContain(session.refreshToken);
  });

  it("Bo's stolen refresh token used a second time ends his whole sign-in, the thief's and his own newer token alike", async () => {
    const stolen = await signIn('+8613812345678', stack.demo[1].password);
    const legit = (await refresh(stolen.refreshToken)).body.data.refreshSession;

    const replay = await refresh(stolen.refreshToken);
    expect(codeOf(replay)).toBe('UNAUTHENTICATED');
    expect(replay.body.errors?.[0]?.message).toMatch(/already used/);
    expect(replay.body.data).toBeNull();

    const afterReplay = await refresh(legit.refreshToken);
    expect(codeOf(afterReplay)).toBe('UNAUTHENTICATED');
    expect(afterReplay.body.errors?.[0]?.message).toMatch(/session has ended/);
  });

  it("Bo's other sign-in (his phone, another device) keeps working after one family is revoked for reuse", async () => {
    const phone = await signIn('+8613812345678', stack.demo[1].password);
    const laptop = await signIn('+8613812345678', stack.demo[1].password);
    await refresh(phone.refreshToken);
    await refresh(phone.refreshToken); // reuse: ends the phone's family only
    const res = await refresh(laptop.refreshToken);
    expect(res.body.errors).toBeUndefined();
  });

  it("two requests racing with one of Chen's refresh tokens: one wins, then the reuse ends the session", async () => {
    const session = await signIn('chen@example.com', stack.demo[2].password);
    const results = await Promise.all([refresh(session.refreshToken), refresh(session.refreshToken)]);
    const winners = results.filter((r) => !r.body.errors);
    expect(winners).toHaveLength(1);
    expect(codeOf(await refresh(winners[0]!.body.data.refreshSession.refreshToken))).toBe('UNAUTHENTICATED');
  });

  it('a made-up refresh token is UNAUTHENTICATED and says to sign in again', async () => {
    const res = await refresh('not-a-token-anyone-was-given');
    expect(codeOf(res)).toBe('UNAUTHENTICATED');
    expect(res.body.errors?.[0]?.message).toMatch(/Sign in again/);
  });

  it('Chen logs out: his refresh token renews nothing any more, and logging out twice is fine', async () => {
    const session = await signIn('chen@example.com', stack.demo[2].password);
    const out = await stack.gql(LOGOUT, { t: session.refreshToken });
    expect(out.body.data).toEqual({ logout: true });
    expect(codeOf(await refresh(session.refreshToken))).toBe('UNAUTHENTICATED');
    expect((await stack.gql(LOGOUT, { t: session.refreshToken })).body.data).toEqual({ logout: true });
    expect(codeOf(await stack.gql(LOGOUT, { t: 'never-issued' }))).toBe('UNAUTHENTICATED');
  });
});

describe('changing a password', () => {
  const dee = () => stack.demo[3];

  it("an anonymous caller cannot change anyone's password", async () => {
    const res = await stack.gql(CHANGE, { current: dee().password, next: 'Another-harbour-77' });
    expect(codeOf(res)).toBe('UNAUTHENTICATED');
  });

  it.each([
    ['a wrong current password', 'Not-her-password-1', 'Another-harbour-77', 'currentPassword'],
    ['a weak new password', 'Demo-pass-2026', 'password', 'newPassword'],
    ['the same password again', 'Demo-pass-2026', 'Demo-pass-2026', 'newPassword'],
  ])(
    'Dee changing her password with %s is BAD_USER_INPUT naming the field, and her sessions live on',
    async (_what, current, next, field) => {
      const session = await signIn(dee().email, dee().password);
      const res = await stack.gql(CHANGE, { current, next }, { token: session.accessToken });
      expect(codeOf(res)).toBe('BAD_USER_INPUT');
      expect(res.body.errors?.[0]?.extensions?.field).toBe(field);
      expect((await refresh(session.refreshToken)).body.errors).toBeUndefined();
    },
  );

  it('Dee changes her password: her other sessions end, the old password fails and the new one works', async () => {
    const phone = await signIn(dee().email, dee().password);
    const laptop = await signIn(dee().email, dee().password);
    const res = await stack.gql(CHANGE, { current: dee().password, next: 'Another-harbour-77' }, { token: laptop.accessToken });
    expect(res.body.errors).toBeUndefined();
    const fresh = res.body.data.changePassword;

    expect(codeOf(await refresh(phone.refreshToken))).toBe('UNAUTHENTICATED');
    expect(codeOf(await refresh(laptop.refreshToken))).toBe('UNAUTHENTICATED');
    expect((await refresh(fresh.refreshToken)).body.errors).toBeUndefined();
    expect(codeOf(await stack.gql(LOGIN, { login: dee().email, password: dee().password }))).toBe('UNAUTHENTICATED');
    await signIn(dee().email, 'Another-harbour-77');
  });
});

describe('session expiry', () => {
  it("Ana's refresh token left unused for 31 days has expired", async () => {
    const session = await signIn('ana@example.com', stack.demo[0].password);
    clock = new Date(clock.getTime() + 31 * 86_400_000);
    const res = await refresh(session.refreshToken);
    expect(codeOf(res)).toBe('UNAUTHENTICATED');
    expect(res.body.errors?.[0]?.message).toMatch(/expired/);
  });
});
