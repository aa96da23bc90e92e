import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createLogger } from '@membership/config';
import { deliveries, eventLog, type EventInput, type EventType } from '@membership/events';
import { DEMO_MEMBERS } from '@membership/stack';
import { TEST_ENV, type TestStack } from '@membership/testing';
import { useTestStack } from '@membership/testing/per-file';
import { runDueErasures } from '../src/domain/erasure.js';
import { systemServices } from '../src/services.js';

// Near real time: the gateway checks access tokens against the wall clock.
let clock = new Date();
let stack: TestStack;
// The gateway keeps identity's word on a session this long (5 s by default): the bound within
// which a session that ended is refused.
const SESSION_TTL_MS = 400;
useTestStack({
  now: () => clock,
  beforeEachTest: () => (clock = new Date(clock.getTime() + 1000)),
  started: (s) => (stack = s),
  env: { SESSION_CHECK_TTL_MS: String(SESSION_TTL_MS) },
});
const pastSessionCache = () => new Promise((resolve) => setTimeout(resolve, SESSION_TTL_MS + 100));

const [ANA, BO, CHEN, DEE] = DEMO_MEMBERS;
const LOGIN = `mutation ($login: String!, $password: String!) { login(input: { login: $login, password: $password }) { accessToken refreshToken } }`;
const LOGOUT = `mutation ($token: String!) { logout(refreshToken: $token) }`;
const CHANGE = `mutation ($current: String!, $next: String!) { changePassword(currentPassword: $current, newPassword: $next) { accessToken } }`;
const ME = '{ me { id displayName } }';
const codeOf = (res: { body: { errors?: { extensions?: { code?: string } }[] } }) => res.body.errors?.[0]?.extensions?.code;

async function signIn(login: string, password = 'Demo-pass-2026'): Promise<{ accessToken: string; refreshToken: string }> {
  const res = await stack.gql(LOGIN, { login, password });
  expect(res.body.errors).toBeUndefined();
  return res.body.data.login;
}
async function me(token: string) {
  return stack.gql(ME, {}, { token });
}
/** Publishes an event as moderation would, into identity's queue only, and applies it. */
async function publish<T extends EventType>(type: T, payload: EventInput[T]): Promise<void> {
  const eventId = randomUUID();
  await stack.database.db
    .insert(eventLog)
    .values({ eventId, type, producer: 'moderation', payload, occurredAt: clock, publishedAt: clock });
  await stack.database.db.insert(deliveries).values({ consumer: 'identity', eventId, availableAt: clock });
  await stack.drainEvents();
}

describe('an access token lives only as long as its session', () => {
  it("Ana logs out on her laptop: its access token is refused within the session check's bound, her phone's sign-in works on", async () => {
    const laptop = await signIn(ANA.email!);
    const phone = await signIn(ANA.email!);
    expect((await me(laptop.accessToken)).body.data.me.id).toBe(ANA.id);
    expect((await stack.gql(LOGOUT, { token: laptop.refreshToken })).body.data.logout).toBe(true);
    await pastSessionCache();
    const refused = await me(laptop.accessToken);
    expect(refused.status).toBe(401);
    expect(codeOf(refused)).toBe('UNAUTHENTICATED');
    expect(refused.body.errors?.[0]?.message).toMatch(/session has ended/);
    expect((await me(phone.accessToken)).body.data.me.id).toBe(ANA.id);
  });

  it('Chen changes his password: access tokens of his other sign-ins stop working, the new one works', async () => {
    const other = await signIn(CHEN.email!);
    const current = await signIn(CHEN.email!);
    const changed = await stack.gql(CHANGE, { current: CHEN.password, next: 'Another-harbour-77' }, { token: current.accessToken });
    expect(changed.body.errors).toBeUndefined();
    await pastSessionCache();
    expect((await me(other.accessToken)).status).toBe(401);
    expect((await me(current.accessToken)).status).toBe(401);
    expect((await me(changed.body.data.changePassword.accessToken)).body.data.me.id).toBe(CHEN.id);
  });

  it('a token naming no session, signed with the right secret, is refused: identity issues none', async () => {
    const { issueAccessToken } = await import('@membership/viewer');
    const { token } = await issueAccessToken({ sub: ANA.id, kind: 'member' }, TEST_ENV.JWT_SECRET, { ttlSeconds: 300 });
    const res = await me(token);
    expect(res.status).toBe(401);
  });

  it('Dee is erased: her token is refused', async () => {
    const dee = await signIn(DEE.email!);
    expect(
      (await stack.gql('mutation { requestErasure { status } }', {}, { token: dee.accessToken })).body.data.requestErasure.status,
    ).toBe('PENDING');
    clock = new Date(clock.getTime() + 16 * 86_400_000);
    const erasure = systemServices({ database: stack.database, env: { ...TEST_ENV }, logger: createLogger('test', 'silent') }).erasure;
    expect((await runDueErasures(erasure, clock)).erased).toEqual([DEE.id]);
    await pastSessionCache();
    const res = await me(dee.accessToken);
    expect(res.status).toBe(401);
    expect(res.body.errors?.[0]?.message).toMatch(/erased/);
  });
});

describe('bans', () => {
  const sanctionId = randomUUID();
  const endsAt = () => new Date(clock.getTime() + 7 * 86_400_000);
  let banEnds: Date;

  it('moderation bans Bo until a date: his tokens stop within seconds and he cannot sign in; the error says until when', async () => {
    const bo = await signIn(BO.phone!);
    expect((await me(bo.accessToken)).status).toBe(200);
    banEnds = endsAt();
    await publish('SanctionApplied', {
      sanctionId,
      memberId: BO.id,
      kind: 'BAN',
      effectiveAt: clock.toISOString(),
      endsAt: banEnds.toISOString(),
    });
    await pastSessionCache();
    const refused = await me(bo.accessToken);
    expect(refused.status).toBe(401);
    expect(refused.body.errors?.[0]?.message).toMatch(/banned/);
    const login = await stack.gql(LOGIN, { login: BO.phone!, password: BO.password });
    expect(codeOf(login)).toBe('FORBIDDEN');
    expect(login.body.errors?.[0]?.message).toContain(banEnds.toISOString());
    expect(login.body.errors?.[0]?.extensions?.bannedUntil).toBe(banEnds.toISOString());
    expect(
      codeOf(await stack.gql('mutation ($t: String!) { refreshSession(refreshToken: $t) { accessToken } }', { t: bo.refreshToken })),
    ).toBe('UNAUTHENTICATED');
  });

  it('a wrong password for banned Bo is the ordinary wrong-password answer: the ban is told only to whoever knows the password', async () => {
    const login = await stack.gql(LOGIN, { login: BO.phone!, password: 'Not-his-password-1' });
    expect(codeOf(login)).toBe('UNAUTHENTICATED');
  });

  it('the ban is lifted: Bo signs in again and his new token works', async () => {
    await publish('SanctionLifted', { sanctionId, memberId: BO.id, kind: 'BAN', reason: 'appeal' });
    const bo = await signIn(BO.phone!);
    expect((await me(bo.accessToken)).body.data.me.id).toBe(BO.id);
  });

  it('a ban past its end no longer stops Bo, even before moderation says it is lifted', async () => {
    const second = randomUUID();
    await publish('SanctionApplied', {
      sanctionId: second,
      memberId: BO.id,
      kind: 'BAN',
      effectiveAt: clock.toISOString(),
      endsAt: new Date(clock.getTime() + 3_600_000).toISOString(),
    });
    expect(codeOf(await stack.gql(LOGIN, { login: BO.phone!, password: BO.password }))).toBe('FORBIDDEN');
    clock = new Date(clock.getTime() + 2 * 3_600_000);
    await signIn(BO.phone!);
  });

  it("a WARNING changes nothing about Bo's sign-in", async () => {
    await publish('SanctionApplied', { sanctionId: randomUUID(), memberId: BO.id, kind: 'WARNING' });
    const bo = await signIn(BO.phone!);
    await pastSessionCache();
    expect((await me(bo.accessToken)).status).toBe(200);
  });
});
