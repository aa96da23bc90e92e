/**
 * A partner integration as it really runs: staff register the partner and its agreement and
 * issue a key; the partner's app (the real Apollo Client with its persisted query link) sends
 * ids from its own manifest with the key; it sees a member's personal data only where the
 * agreement allows the category and the member consented, and each read is in the member's
 * access log under the partner's name.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { ApolloClient, HttpLink, InMemoryCache, gql } from '@apollo/client';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { print } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@membership/config';
import { loadGatewayEnv, startGateway } from '@membership/gateway';
import { TEST_ENV, startTestStack, type TestStack, TEST_REDIS_URL, redisReachable } from '@membership/testing';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const HOUR = 3_600_000;
let clock = new Date('2026-12-01T09:00:00Z');
let stack: TestStack;
let gateway: { url: string; close(): Promise<void> };

// Written with __typename where Apollo Client adds it, so the body it hashes is this text.
const ACME_MEMBER = gql`
  query AcmeMember($id: ID!) {
    partnerMember(id: $id) {
      __typename
      id
      displayName
      email
      pointsBalance
    }
  }
`;
const GLOBEX_MEMBER = gql`
  query GlobexMember($id: ID!) {
    partnerMember(id: $id) {
      __typename
      id
      phone
    }
  }
`;
const manifest = (name: string, doc: typeof ACME_MEMBER) => {
  const body = print(doc);
  return JSON.stringify({
    format: 'apollo-persisted-query-manifest',
    version: 1,
    operations: [{ id: sha256(body), name, type: 'query', body }],
  });
};

const REGISTER = `mutation ($input: RegisterPartnerInput!) { registerPartner(input: $input, reason: "Signed DSA") { id name agreement { inForce allowedCategories } } }`;
const ISSUE = `mutation ($id: ID!) { issuePartnerApiKey(partnerId: $id, reason: "Onboarding") { key apiKey { id prefix active } } }`;
const ROTATE = `mutation ($id: ID!) { rotatePartnerApiKey(keyId: $id, overlapHours: 2, reason: "Yearly rotation") { key apiKey { id } } }`;
const REVOKE = `mutation ($id: ID!) { revokePartnerApiKey(keyId: $id, reason: "Leaked") { active revokedAt } }`;
const GRANT = `mutation ($p: String!, $c: PiiCategory!, $until: DateTime) { grantPartnerConsent(partnerId: $p, category: $c, expiresAt: $until) { granted expiresAt } }`;
const WITHDRAW = `mutation ($p: String!, $c: PiiCategory!) { revokePartnerConsent(partnerId: $p, category: $c) { granted } }`;

const partnersAdmin = () => stack.staffToken(['partners:manage', 'audit:read']);
const codeOf = (body: { errors?: { extensions?: { code?: string } }[] }) => body.errors?.[0]?.extensions?.code;

async function register(name: string, allowedCategories: string[], expiresInDays = 365) {
  const res = await stack.gql(
    REGISTER,
    {
      input: {
        name,
        legalName: `${name} Ltd.`,
        agreementReference: `DSA-${name}`,
        agreementSignedAt: new Date(clock.getTime() - 24 * HOUR).toISOString(),
        agreementExpiresAt: new Date(clock.getTime() + expiresInDays * 24 * HOUR).toISOString(),
        allowedCategories,
      },
    },
    { token: await partnersAdmin() },
  );
  expect(res.body.errors).toBeUndefined();
  return res.body.data.registerPartner as { id: string; name: string };
}
async function issueKey(partnerId: string) {
  const res = await stack.gql(ISSUE, { id: partnerId }, { token: await partnersAdmin() });
  return res.body.data.issuePartnerApiKey as { key: string; apiKey: { id: string; prefix: string; active: boolean } };
}

/** The partner's app: Apollo Client with the persisted query link, sending its key. */
function partnerApp(apiKey: string) {
  const http = new HttpLink({ uri: gateway.url, headers: { 'x-api-key': apiKey } });
  return new ApolloClient({ link: new PersistedQueryLink({ sha256 }).concat(http), cache: new InMemoryCache() });
}
async function asPartner(apiKey: string, query: typeof ACME_MEMBER, id: string) {
  try {
    const result = await partnerApp(apiKey).query({ query, variables: { id }, fetchPolicy: 'network-only', errorPolicy: 'all' });
    return { data: result.data as any, codes: ((result.error as any)?.errors ?? []).map((e: any) => e.extensions?.code) as string[] };
  } catch (error: any) {
    return {
      data: undefined,
      codes: [error?.result?.errors?.[0]?.extensions?.code ?? error?.statusCode ?? String(error)] as string[],
      status: error?.statusCode,
    };
  }
}
async function raw(apiKey: string, body: unknown) {
  const response = await fetch(gateway.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
    body: JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as any };
}

let acme: { id: string; name: string };
let acmeKey: { key: string; apiKey: { id: string } };
let globexKey: { key: string };

beforeAll(async () => {
  stack = await startTestStack({ now: () => clock });
  acme = await register('acme', ['CONTACT']);
  const globex = await register('globex', ['CONTACT', 'BEHAVIOUR']);
  acmeKey = await issueKey(acme.id);
  globexKey = await issueKey(globex.id);
  const dir = mkdtempSync(join(tmpdir(), 'partners-'));
  writeFileSync(join(dir, 'acme.json'), manifest('AcmeMember', ACME_MEMBER));
  writeFileSync(join(dir, 'globex.json'), manifest('GlobexMember', GLOBEX_MEMBER));
  const subgraphUrls = Object.fromEntries(Object.entries(stack.subgraphs).map(([name, s]) => [name, s.url]));
  gateway = await startGateway({
    env: loadGatewayEnv({
      ...TEST_ENV,
      PORT: '0',
      PERSISTED_OPERATIONS_DIR: dir,
      PARTNER_CACHE_SECONDS: '0',
      PARTNER_RATE_LIMIT_PER_MINUTE: '1000',
    }),
    logger: createLogger('test', 'silent'),
    subgraphUrls,
  });
});
afterAll(async () => {
  await gateway?.close();
  await stack?.stop();
});

describe('a partner reads what the agreement and the member both allow', () => {
  it('Ana shares CONTACT and BEHAVIOUR with acme; acme’s agreement covers CONTACT only: email in full, points balance null', async () => {
    const [ana] = stack.demo;
    const token = await stack.memberToken(ana.id);
    for (const c of ['CONTACT', 'BEHAVIOUR'])
      expect((await stack.gql(GRANT, { p: 'acme', c }, { token })).body.data.grantPartnerConsent.granted).toBe(true);
    const result = await asPartner(acmeKey.key, ACME_MEMBER, ana.id);
    expect(result.data.partnerMember).toEqual({
      __typename: 'Member',
      id: ana.id,
      displayName: expect.any(String),
      email: 'ana@example.com',
      pointsBalance: null,
    });
    expect(result.codes).toEqual(['FORBIDDEN']);
  });

  it('the read is in Ana’s access log under acme’s name', async () => {
    const [ana] = stack.demo;
    const res = await stack.gql(
      `{ me { piiAccessLog(first: 5) { edges { node { viewerKind viewerId viewerRole fields operationName } } } } }`,
      {},
      { token: await stack.memberToken(ana.id) },
    );
    expect(res.body.data.me.piiAccessLog.edges[0].node).toEqual({
      viewerKind: 'partner',
      viewerId: 'acme',
      viewerRole: `api key ${acmeKey.apiKey.id}`,
      fields: ['Member.email'],
      operationName: 'AcmeMember',
    });
  });

  it('Bo shares nothing with acme: acme cannot even look him up', async () => {
    const [, bo] = stack.demo;
    const result = await asPartner(acmeKey.key, ACME_MEMBER, bo.id);
    expect(result.data?.partnerMember ?? null).toBeNull();
    expect(result.codes).toContain('NOT_FOUND');
  });

  it('Ana withdraws CONTACT: acme’s next request gets email null', async () => {
    const [ana] = stack.demo;
    await stack.gql(WITHDRAW, { p: 'acme', c: 'CONTACT' }, { token: await stack.memberToken(ana.id) });
    const result = await asPartner(acmeKey.key, ACME_MEMBER, ana.id);
    expect(result.data.partnerMember).toMatchObject({ id: ana.id, email: null, pointsBalance: null });
  });

  it('a consent given until a date stops at that date', async () => {
    const [ana] = stack.demo;
    const until = new Date(clock.getTime() + HOUR).toISOString();
    await stack.gql(GRANT, { p: 'acme', c: 'CONTACT', until }, { token: await stack.memberToken(ana.id) });
    expect((await asPartner(acmeKey.key, ACME_MEMBER, ana.id)).data.partnerMember.email).toBe('ana@example.com');
    clock = new Date(clock.getTime() + 2 * HOUR);
    expect((await asPartner(acmeKey.key, ACME_MEMBER, ana.id)).data?.partnerMember?.email ?? null).toBeNull();
  });
});

describe('a partner runs only its own persisted operations', () => {
  it('a free-form query, an unknown id and another partner’s id are refused, naming why', async () => {
    const [ana] = stack.demo;
    const freeForm = await raw(acmeKey.key, { query: print(ACME_MEMBER), variables: { id: ana.id } });
    expect([freeForm.status, codeOf(freeForm.body)]).toEqual([400, 'PERSISTED_QUERY_REQUIRED']);
    const unknown = await raw(acmeKey.key, { extensions: { persistedQuery: { version: 1, sha256Hash: sha256('{ members { id } }') } } });
    expect([unknown.status, codeOf(unknown.body)]).toEqual([403, 'PERSISTED_QUERY_NOT_ALLOWED']);
    const others = await raw(acmeKey.key, {
      extensions: { persistedQuery: { version: 1, sha256Hash: sha256(print(GLOBEX_MEMBER)) } },
      variables: { id: ana.id },
    });
    expect([others.status, codeOf(others.body)]).toEqual([403, 'PERSISTED_QUERY_NOT_ALLOWED']);
    expect(others.body.errors[0].message).toContain("partner acme's");
    // globex runs its own with its own key.
    expect(
      (
        await raw(globexKey.key, {
          extensions: { persistedQuery: { version: 1, sha256Hash: sha256(print(GLOBEX_MEMBER)) } },
          variables: { id: ana.id },
        })
      ).status,
    ).toBe(200);
  });

  it('variables are still validated', async () => {
    const res = await raw(acmeKey.key, {
      extensions: { persistedQuery: { version: 1, sha256Hash: sha256(print(ACME_MEMBER)) } },
      variables: { id: 42 },
    });
    expect(codeOf(res.body)).toBe('BAD_USER_INPUT');
  });
});

describe('keys and agreements', () => {
  it('a made-up key and a key with a wrong secret are refused as not valid', async () => {
    const [ana] = stack.demo;
    const op = { extensions: { persistedQuery: { version: 1, sha256Hash: sha256(print(ACME_MEMBER)) } }, variables: { id: ana.id } };
    expect(codeOf((await raw('not-a-key', op)).body)).toBe('UNAUTHENTICATED');
    const tampered = acmeKey.key.slice(0, -4) + 'AAAA';
    expect((await raw(tampered, op)).status).toBe(401);
  });

  it('a rotated key works beside its replacement until the overlap ends; a revoked key stops at once', async () => {
    const [ana] = stack.demo;
    const op = { extensions: { persistedQuery: { version: 1, sha256Hash: sha256(print(ACME_MEMBER)) } }, variables: { id: ana.id } };
    const rotated = (await stack.gql(ROTATE, { id: acmeKey.apiKey.id }, { token: await partnersAdmin() })).body.data.rotatePartnerApiKey;
    expect((await raw(acmeKey.key, op)).status).toBe(200);
    expect((await raw(rotated.key, op)).status).toBe(200);
    clock = new Date(clock.getTime() + 3 * HOUR);
    const old = await raw(acmeKey.key, op);
    expect([old.status, old.body.errors[0].message]).toEqual([401, 'This API key was rotated and its overlap has ended. Use the new key.']);
    expect((await raw(rotated.key, op)).status).toBe(200);
    const revoked = await stack.gql(REVOKE, { id: rotated.apiKey.id }, { token: await partnersAdmin() });
    expect(revoked.body.data.revokePartnerApiKey.active).toBe(false);
    expect(codeOf((await raw(rotated.key, op)).body)).toBe('UNAUTHENTICATED');
  });

  it('once globex’s agreement has expired its requests are refused with the date', async () => {
    const [ana] = stack.demo;
    clock = new Date(clock.getTime() + 400 * 24 * HOUR);
    const res = await raw(globexKey.key, {
      extensions: { persistedQuery: { version: 1, sha256Hash: sha256(print(GLOBEX_MEMBER)) } },
      variables: { id: ana.id },
    });
    expect([res.status, codeOf(res.body)]).toEqual([403, 'AGREEMENT_EXPIRED']);
    expect(res.body.errors[0].message).toMatch(/agreement expired on \d{4}-\d{2}-\d{2}/);
  });

  it('each registration and key change is in the staff operation log', async () => {
    const res = await stack.gql(`{ staffOperationLog(first: 20) { edges { node { operation } } } }`, {}, { token: await partnersAdmin() });
    const operations = res.body.data.staffOperationLog.edges.map((e: { node: { operation: string } }) => e.node.operation);
    expect(operations).toEqual(
      expect.arrayContaining(['partner.register', 'partner.key.issue', 'partner.key.rotate', 'partner.key.revoke']),
    );
  });

  it('staff without partners:manage cannot register a partner', async () => {
    const res = await stack.gql(
      REGISTER,
      {
        input: {
          name: 'initech',
          legalName: 'Initech',
          agreementReference: 'x',
          agreementSignedAt: clock.toISOString(),
          agreementExpiresAt: clock.toISOString(),
          allowedCategories: [],
        },
      },
      { token: await stack.staffToken(['members:read']) },
    );
    expect(codeOf(res.body)).toBe('FORBIDDEN');
  });
});

describe('per-key rate limit', () => {
  it('above the limit a key gets RATE_LIMITED with retry-after; another key is unaffected', async () => {
    const subgraphUrls = Object.fromEntries(Object.entries(stack.subgraphs).map(([name, s]) => [name, s.url]));
    clock = new Date();
    const partner = await register('hooli', ['CONTACT']);
    const [first, second] = [await issueKey(partner.id), await issueKey(partner.id)];
    const limited = await startGateway({
      env: loadGatewayEnv({ ...TEST_ENV, PORT: '0', PARTNER_RATE_LIMIT_PER_MINUTE: '2' }),
      logger: createLogger('test', 'silent'),
      subgraphUrls,
    });
    try {
      const call = (key: string) =>
        fetch(limited.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-api-key': key },
          body: JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: sha256('x') } } }),
        });
      await awayFromMinuteEnd();
      expect((await call(first.key)).status).toBe(403); // counted, then refused: not in its manifest
      expect((await call(first.key)).status).toBe(403);
      const third = await call(first.key);
      expect(third.status).toBe(429);
      expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(((await third.json()) as any).errors[0].extensions).toMatchObject({
        code: 'RATE_LIMITED',
        retryAfterSeconds: expect.any(Number),
      });
      expect((await call(second.key)).status).toBe(403);
    } finally {
      await limited.close();
    }
  });
});

const REDIS_URL = TEST_REDIS_URL;
const withRedis = await redisReachable();

/** Counts are per minute: start a counting test well inside one, never seconds before it ends. */
async function awayFromMinuteEnd(): Promise<void> {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < 5_000) await new Promise((resolve) => setTimeout(resolve, left + 50));
}

describe.skipIf(!withRedis)('with REDIS_URL (a real Redis on this machine), gateway instances share a key’s count', () => {
  it('two requests at one instance and a third at another exceed a limit of 2', async () => {
    const subgraphUrls = Object.fromEntries(Object.entries(stack.subgraphs).map(([name, s]) => [name, s.url]));
    clock = new Date();
    const partner = await register(`initech-${Date.now().toString(36)}`, ['CONTACT']);
    const { key } = await issueKey(partner.id);
    const start = () =>
      startGateway({
        env: loadGatewayEnv({ ...TEST_ENV, PORT: '0', REDIS_URL, PARTNER_RATE_LIMIT_PER_MINUTE: '2' }),
        logger: createLogger('test', 'silent'),
        subgraphUrls,
      });
    const [a, b] = [await start(), await start()];
    try {
      const call = (url: string) =>
        fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-api-key': key },
          body: JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: sha256('x') } } }),
        });
      await awayFromMinuteEnd();
      expect((await call(a.url)).status).toBe(403);
      expect((await call(a.url)).status).toBe(403);
      expect((await call(b.url)).status).toBe(429);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
