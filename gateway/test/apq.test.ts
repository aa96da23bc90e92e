/**
 * Automatic persisted queries as a first-party app sends them: the real Apollo Client with its
 * persisted query link, over HTTP. The first call sends only the hash, learns the gateway does
 * not know it, and sends the document once; every later call sends the hash alone.
 */
import { createHash } from 'node:crypto';
import { ApolloClient, HttpLink, InMemoryCache, gql } from '@apollo/client';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@membership/config';
import { loadGatewayEnv, startGateway } from '@membership/gateway';
import { TEST_ENV, startTestStack, type TestStack, TEST_REDIS_URL, redisReachable } from '@membership/testing';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** What went over the wire: for each request, whether it carried the document and what came back. */
interface Exchange {
  sentDocument: boolean;
  hash: string | undefined;
  errorCodes: string[];
}

/** A first-party app: Apollo Client with APQ, recording each HTTP exchange. */
function appClient(token: string | undefined, exchanges: Exchange[]) {
  const recordingFetch: typeof fetch = async (input, init) => {
    const body = JSON.parse(String(init?.body ?? '{}')) as { query?: string; extensions?: { persistedQuery?: { sha256Hash?: string } } };
    const response = await fetch(input, init);
    const copy = (await response.clone().json()) as { errors?: { extensions?: { code?: string } }[] };
    exchanges.push({
      sentDocument: typeof body.query === 'string',
      hash: body.extensions?.persistedQuery?.sha256Hash,
      errorCodes: (copy.errors ?? []).map((e) => e.extensions?.code ?? ''),
    });
    return response;
  };
  const http = new HttpLink({
    uri: stack.gatewayUrl,
    fetch: recordingFetch,
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  return new ApolloClient({ link: new PersistedQueryLink({ sha256 }).concat(http), cache: new InMemoryCache() });
}

const ME = gql`
  query MyPoints {
    me {
      id
      pointsBalance
    }
  }
`;

describe('automatic persisted queries with the real Apollo Client', () => {
  it('a member: hash miss, the document registered once, then the hash alone answers', async () => {
    const [ana] = stack.demo;
    const token = await stack.memberToken(ana.id);
    const exchanges: Exchange[] = [];
    const first = await appClient(token, exchanges).query({ query: ME, fetchPolicy: 'network-only' });
    expect(first.data).toEqual({ me: { __typename: 'Member', id: ana.id, pointsBalance: expect.any(Number) } });
    expect(exchanges).toEqual([
      { sentDocument: false, hash: expect.stringMatching(/^[0-9a-f]{64}$/), errorCodes: ['PERSISTED_QUERY_NOT_FOUND'] },
      { sentDocument: true, hash: exchanges[0]!.hash, errorCodes: [] },
    ]);

    // Another app instance (a fresh client) sends the hash alone and is answered.
    const later: Exchange[] = [];
    const second = await appClient(token, later).query({ query: ME, fetchPolicy: 'network-only' });
    expect(second.data).toEqual(first.data);
    expect(later).toEqual([{ sentDocument: false, hash: exchanges[0]!.hash, errorCodes: [] }]);
  });

  it('staff use the same link; the PII rules apply to a hashed operation as to a written one', async () => {
    const [ana] = stack.demo;
    const token = await stack.staffToken(['members:read', 'points:read']);
    const exchanges: Exchange[] = [];
    const client = appClient(token, exchanges);
    const result = await client.query({
      query: gql`
        query AnaPoints($id: ID!) {
          member(id: $id) {
            id
            pointsBalance
          }
        }
      `,
      variables: { id: ana.id },
      fetchPolicy: 'network-only',
      errorPolicy: 'all',
    });
    // No purpose stated and no pii:behaviour:read: the hashed operation is masked like any other.
    expect(result.data).toMatchObject({ member: { id: ana.id, pointsBalance: null } });
    expect(exchanges.map((e) => e.sentDocument)).toEqual([false, true]);
  });

  it('a hash that does not match the document sent with it is refused', async () => {
    const response = await fetch(stack.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: '{ __typename }',
        extensions: { persistedQuery: { version: 1, sha256Hash: sha256('{ somethingElse }') } },
      }),
    });
    const body = (await response.json()) as { errors?: { extensions?: { code?: string }; message: string }[] };
    expect(body.errors?.[0]?.message).toMatch(/hash/i);
  });
});

/** Another gateway instance in front of the same subgraphs, with settings of its own. */
async function anotherGateway(env: Record<string, string>) {
  const subgraphUrls = Object.fromEntries(Object.entries(stack.subgraphs).map(([name, s]) => [name, s.url]));
  return startGateway({ env: loadGatewayEnv({ ...TEST_ENV, PORT: '0', ...env }), logger: createLogger('test', 'silent'), subgraphUrls });
}

async function post(url: string, body: unknown, token?: string) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    body: (await response.json()) as { data?: any; errors?: { message: string; extensions?: { code?: string } }[] },
  };
}

const REDIS_URL = TEST_REDIS_URL;
const withRedis = await redisReachable();

describe.skipIf(!withRedis)('with REDIS_URL (a real Redis on this machine), gateway instances share the APQ cache', () => {
  it('a hash registered at one instance is a hit at another', async () => {
    const [a, b] = [await anotherGateway({ REDIS_URL }), await anotherGateway({ REDIS_URL })];
    try {
      // A document no other test registers, so the first instance really misses.
      const query = `query SharedApq${Date.now()} { __typename }`;
      const extensions = { persistedQuery: { version: 1, sha256Hash: sha256(query) } };
      expect((await post(a.url, { extensions })).body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
      expect((await post(a.url, { query, extensions })).body.data).toEqual({ __typename: 'Query' });
      expect((await post(b.url, { extensions })).body).toEqual({ data: { __typename: 'Query' } });
    } finally {
      await a.close();
      await b.close();
    }
  });
});

describe('members held to the first-party safelist (MEMBER_OPERATIONS=safelist)', () => {
  const MY_POINTS = 'query MyPoints { me { id pointsBalance } }';
  let gateway: Awaited<ReturnType<typeof anotherGateway>>;
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'persisted-'));
    const manifest = {
      format: 'apollo-persisted-query-manifest',
      version: 1,
      operations: [{ id: sha256(MY_POINTS), name: 'MyPoints', type: 'query', body: MY_POINTS }],
    };
    writeFileSync(join(dir, 'first-party.json'), JSON.stringify(manifest));
    gateway = await anotherGateway({ MEMBER_OPERATIONS: 'safelist', PERSISTED_OPERATIONS_DIR: dir });
  });
  afterAll(async () => {
    await gateway?.close();
  });

  it('a member runs a first-party operation by its id alone', async () => {
    const [ana] = stack.demo;
    const res = await post(
      gateway.url,
      { extensions: { persistedQuery: { version: 1, sha256Hash: sha256(MY_POINTS) } } },
      await stack.memberToken(ana.id),
    );
    expect(res.status).toBe(200);
    expect(res.body.data.me).toEqual({ id: ana.id, pointsBalance: expect.any(Number) });
  });

  it('a member sending a document, or an id the manifest does not hold, is refused before any subgraph is called', async () => {
    const token = await stack.memberToken(stack.demo[0].id);
    const written = await post(gateway.url, { query: MY_POINTS }, token);
    expect(written.status).toBe(400);
    expect(written.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_REQUIRED');
    const unknown = await post(gateway.url, { extensions: { persistedQuery: { version: 1, sha256Hash: sha256('{ me { id } }') } } }, token);
    expect(unknown.status).toBe(403);
    expect(unknown.body.errors?.[0]).toMatchObject({
      extensions: { code: 'PERSISTED_QUERY_NOT_ALLOWED' },
      message: expect.stringContaining('first-party'),
    });
  });

  it('staff keep free-form operations (internal tools), and an anonymous caller still runs public ones', async () => {
    const staff = await post(gateway.url, { query: '{ __typename }' }, await stack.staffToken(['members:read']));
    expect(staff.body).toEqual({ data: { __typename: 'Query' } });
  });
});
