import { createLogger } from '@membership/config';
import { randomUUID } from 'node:crypto';
import { createScratchDatabase, openDatabase, sql, type Database } from '@membership/db';
import { DEMO_MEMBERS, startStack, type Stack } from '@membership/stack';
import { issueAccessToken } from '@membership/viewer';

/**
 * The secrets tests run with, set explicitly and distinct from the development defaults.
 * One environment serves every server of the in-process stack; each server's env.ts takes
 * only the variables it lists.
 */
export const TEST_ENV = {
  NODE_ENV: 'test',
  LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
  JWT_SECRET: 'test-jwt-secret-0123456789abcdef0123456789',
  GATEWAY_SIGNING_KEY:
    'eyJjcnYiOiJFZDI1NTE5IiwiZCI6Ii1ZS0RzWDlHWTkxVGMyejdUM3kxM3haQ2hrN0syVlpXZmc0TWlvODZ0dzgiLCJ4IjoiVlZSeDhkUlU3eWxsV2JiQjBlQzY5VEZ6bUtzS0VjSVlzakdwZmRoMXBzayIsImt0eSI6Ik9LUCJ9',
  GATEWAY_PUBLIC_KEY: 'eyJjcnYiOiJFZDI1NTE5IiwieCI6IlZWUng4ZFJVN3lsbFdiYkIwZUM2OVRGem1Lc0tFY0lZc2pHcGZkaDFwc2siLCJrdHkiOiJPS1AifQ==',
  IDENTITY_SIGNING_KEY:
    'eyJjcnYiOiJFZDI1NTE5IiwiZCI6IjAzeWJ0ZGxIZlNEeWd6UnhncVc2LVBIMzN3NWk0UDZ3MndNaGFWdnFPbDQiLCJ4IjoiVE1KQUV6dURUYXNrNnhaNUhfSDNFTk12Q2JTcF9RT2t6RWN6RkdiRG5uMCIsImt0eSI6Ik9LUCJ9',
  IDENTITY_PUBLIC_KEY: 'eyJjcnYiOiJFZDI1NTE5IiwieCI6IlRNSkFFenVEVGFzazZ4WjVIX0gzRU5NdkNiU3BfUU9rekVjekZHYkRubjAiLCJrdHkiOiJPS1AifQ==',
  ORDERS_SIGNING_KEY:
    'eyJjcnYiOiJFZDI1NTE5IiwiZCI6InVYNXREMUZEMGV3Qjc3eW91SmZndnpLWHE3cEk5dnE3NmNZRjM4ajJfZUUiLCJ4IjoiR2d3UWNhNE05TDVvZnY0QTBidkIxVjhjX3Q4Yk1MYWFhaVFOVzhBR1NLNCIsImt0eSI6Ik9LUCJ9',
  ORDERS_PUBLIC_KEY: 'eyJjcnYiOiJFZDI1NTE5IiwieCI6Ikdnd1FjYTRNOUw1b2Z2NEEwYnZCMVY4Y190OGJNTGFhYWlRTlc4QUdTSzQiLCJrdHkiOiJPS1AifQ==',
  // A minute, so a test's SQL statement counts never include the gateway asking identity
  // about a token's session halfway through (tokens are checked once when minted below).
  SESSION_CHECK_TTL_MS: '60000',
} as const;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A real session for a test or bench token (its `sid`), as identity would have opened it: a sign-in (refresh-token
 * family) of the member, or the staff account (created if missing, holding no role: the
 * token's scopes are the test's) at its session version. The gateway checks it like any other.
 */
export async function openTestSession(database: Database, kind: 'member' | 'staff', id: string): Promise<string> {
  if (!UUID.test(id)) return 'none';
  if (kind === 'member') {
    const familyId = randomUUID();
    await database.rows(
      sql`insert into identity.refresh_tokens (id, family_id, member_id, token_hash, issued_at, expires_at)
          select ${randomUUID()}, ${familyId}, id, ${`test-session:${familyId}`}, now(), now() + interval '30 days' from identity.members where id = ${id}`,
    );
    return familyId;
  }
  await database.rows(
    sql`insert into identity.staff (id, email, display_name, password_hash, created_at)
        values (${id}, ${`test-${id}@staff.example.test`}, 'Test staff', '!', now()) on conflict (id) do nothing`,
  );
  const [row] = await database.rows<{ v: number | string }>(sql`select session_version as v from identity.staff where id = ${id}`);
  return String(row?.v ?? 'none');
}

export interface GqlResult<T = any> {
  status: number;
  headers: Headers;
  body: {
    data?: T | null;
    errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> & { code?: string } }[];
  };
}

export interface TestStack extends Stack {
  database: Database;
  demo: typeof DEMO_MEMBERS;
  /** POSTs an operation to the gateway as a client would. */
  gql<T = any>(
    query: string,
    variables?: Record<string, unknown>,
    options?: { token?: string; headers?: Record<string, string> },
  ): Promise<GqlResult<T>>;
  memberToken(memberId: string): Promise<string>;
  staffToken(scopes: string[], staffId?: string): Promise<string>;
}

/**
 * Starts the whole platform for one test file: a fresh database (in-memory PGlite, or
 * a scratch database on TEST_DATABASE_URL's server, dropped at stop), migrations, the
 * demo seed, five subgraphs and the gateway on free ports. Events are drained by hand.
 */
export async function startTestStack(options: { now?: () => Date; env?: Record<string, string> } = {}): Promise<TestStack> {
  const scratch = process.env.TEST_DATABASE_URL ? await createScratchDatabase(process.env.TEST_DATABASE_URL) : undefined;
  const database = await openDatabase(scratch ? { url: scratch.url, poolSize: 5 } : {});
  const env = { ...TEST_ENV, ...options.env };
  const logger = createLogger('test', env.LOG_LEVEL as 'silent');
  let stack: Stack;
  try {
    stack = await startStack({ database, logger, env, ports: 'random', seed: 'reset', pollEvents: false, now: options.now });
  } catch (error) {
    await database.close();
    await scratch?.drop();
    throw error;
  }
  const tokenOptions = () => ({ ttlSeconds: 900, now: options.now?.() });
  // One request with a fresh token, so the gateway has its session's answer before the test counts anything.
  const warm = async (token: string) => {
    await fetch(stack.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    return token;
  };
  return {
    ...stack,
    database,
    demo: DEMO_MEMBERS,
    async gql(query, variables, opts = {}) {
      const response = await fetch(stack.gatewayUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
          ...opts.headers,
        },
        body: JSON.stringify({ query, variables }),
      });
      const text = await response.text();
      let body: GqlResult<any>['body'];
      try {
        body = JSON.parse(text);
      } catch {
        throw new Error(`Gateway answered ${response.status} with non-JSON: ${text.slice(0, 200)}`);
      }
      return { status: response.status, headers: response.headers, body };
    },
    memberToken: async (memberId) =>
      warm(
        (
          await issueAccessToken(
            { sub: memberId, kind: 'member', sid: await openTestSession(database, 'member', memberId) },
            env.JWT_SECRET,
            tokenOptions(),
          )
        ).token,
      ),
    staffToken: async (scopes, staffId = '00000000-0000-4000-8000-00000000057a') =>
      warm(
        (
          await issueAccessToken(
            { sub: staffId, kind: 'staff', scope: scopes.join(' '), sid: await openTestSession(database, 'staff', staffId) },
            env.JWT_SECRET,
            tokenOptions(),
          )
        ).token,
      ),
    async stop() {
      await stack.stop();
      await database.close();
      await scratch?.drop();
    },
  };
}
export * from './data-rights.js';
export { TEST_REDIS_URL, redisReachable } from './redis.js';
