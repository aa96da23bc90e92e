/**
 * Limits on sending one-time codes by client address and in all, counted in Redis when it is
 * reachable (shared by every identity process), in memory otherwise.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@membership/config';
import { TEST_REDIS_URL, redisReachable, startTestStack, type TestStack } from '@membership/testing';
import { countCodeSend, type CodeSendLimits } from '../src/domain/rate-limits.js';
import { MemoryRateCounter, RedisRateCounter } from '../src/rate-counter.js';

const REDIS_URL = TEST_REDIS_URL;
const withRedis = await redisReachable();
const prefix = `test:${randomUUID()}:`;

let clock = new Date(Math.ceil(Date.now() / 3_600_000) * 3_600_000 + 1000);
let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({
    now: () => clock,
    env: {
      CODES_PER_ADDRESS_PER_HOUR: '3',
      REGISTRATION_CODE_RESEND_SECONDS: '0',
      ...(withRedis ? { REDIS_URL, REDIS_KEY_PREFIX: prefix } : {}),
    },
  });
});
afterAll(async () => {
  await stack?.stop();
});

const REQUEST = `mutation ($input: RegistrationCodeInput!) { requestRegistrationCode(input: $input) { channel } }`;
const codeOf = (res: { body: { errors?: { extensions?: { code?: string } }[] } }) => res.body.errors?.[0]?.extensions?.code;

describe(`code limits through the gateway (counted ${withRedis ? 'in Redis' : 'in memory: no Redis reachable'})`, () => {
  it('one client address asking codes for many contacts is RATE_LIMITED after 3 an hour, with when to try again', async () => {
    for (let i = 0; i < 3; i++)
      expect((await stack.gql(REQUEST, { input: { email: `walk${i}@example.com` } })).body.errors).toBeUndefined();
    const fourth = await stack.gql(REQUEST, { input: { email: 'walk3@example.com' } });
    expect(codeOf(fourth)).toBe('RATE_LIMITED');
    expect(fourth.body.errors?.[0]?.message).toMatch(/from your network/);
    expect(Number(fourth.body.errors?.[0]?.extensions?.retryAfterSeconds)).toBeGreaterThan(3000);
    // The same wait, the HTTP way, for clients and proxies that never read the body.
    expect(fourth.headers.get('retry-after')).toBe(String(fourth.body.errors?.[0]?.extensions?.retryAfterSeconds));
  });

  it('an hour later the address may ask again', async () => {
    clock = new Date(clock.getTime() + 3_600_000);
    const again = await stack.gql(REQUEST, { input: { email: 'walk4@example.com' } });
    expect(again.body.errors).toBeUndefined();
    expect(again.headers.get('retry-after')).toBeNull();
  });
});

describe('the counters', () => {
  const limits: CodeSendLimits = {
    perContact: { limit: 100, windowSeconds: 3600 },
    perAddress: { limit: 100, windowSeconds: 3600 },
    global: { limit: 4, windowSeconds: 60 },
  };
  const now = new Date('2026-11-30T10:00:05Z');
  const send = (counter: MemoryRateCounter | RedisRateCounter, i: number) =>
    countCodeSend(counter, limits, { purpose: 'registration-code', contactLookup: `c${i}`, clientAddress: `10.0.0.${i}` }, now);

  it('the global limit holds across many addresses and contacts, and says when the minute ends', async () => {
    const counter = new MemoryRateCounter();
    for (let i = 0; i < 4; i++) await send(counter, i);
    await expect(send(counter, 9)).rejects.toMatchObject({ code: 'RATE_LIMITED', details: { retryAfterSeconds: 55 } });
  });

  it.skipIf(!withRedis)('two identity processes share one count through Redis (skipped when no Redis is reachable)', async () => {
    const logger = createLogger('test', 'silent');
    const shared = `test:${randomUUID()}:`;
    const one = new RedisRateCounter(REDIS_URL, shared, logger);
    const two = new RedisRateCounter(REDIS_URL, shared, logger);
    try {
      for (let i = 0; i < 4; i++) await send(i % 2 === 0 ? one : two, i);
      await expect(send(two, 9)).rejects.toMatchObject({ code: 'RATE_LIMITED' });
      await expect(send(one, 10)).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    } finally {
      await one.close();
      await two.close();
    }
  });
});
