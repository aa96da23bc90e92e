import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@membership/config';
import { TEST_ENV, startTestStack, type TestStack } from '@membership/testing';
import { loadGatewayEnv, startGateway } from '../src/index.js';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

interface Answer {
  status: number;
  body: { data?: any; errors?: { message: string; extensions?: { code?: string } }[] };
}

async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: JSON.parse(await response.text()) };
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const codes = (answer: Answer) => (answer.body.errors ?? []).map((e) => e.extensions?.code);
const messages = (answer: Answer) => (answer.body.errors ?? []).map((e) => e.message).join('\n');

/** Forwards `/<subgraph>` to the real subgraph and counts every call, to prove none was made. */
async function startCountingProxy(targets: Record<string, string>) {
  let calls = 0;
  const read = async (req: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  };
  const server: Server = createServer(async (req, res) => {
    calls += 1;
    const target = targets[(req.url ?? '').slice(1)];
    if (!target) return void res.writeHead(404).end();
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) {
      if (typeof v === 'string' && !['host', 'connection', 'content-length'].includes(k)) headers[k] = v;
    }
    const upstream = await fetch(target, { method: req.method, headers, body: req.method === 'POST' ? await read(req) : undefined });
    res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' });
    res.end(Buffer.from(await upstream.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    urls: Object.fromEntries(Object.keys(targets).map((name) => [name, `http://127.0.0.1:${port}/${name}`])),
    calls: () => calls,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A gateway of its own over the stack's subgraphs, through a counting proxy, with env overrides. */
async function startExtraGateway(overrides: Record<string, string> = {}) {
  const proxy = await startCountingProxy(Object.fromEntries(Object.entries(stack.subgraphs).map(([name, s]) => [name, s.url])));
  const gateway = await startGateway({
    env: loadGatewayEnv({ ...TEST_ENV, PORT: '0', ...overrides }),
    logger: createLogger('test', 'silent'),
    subgraphUrls: proxy.urls,
  });
  return {
    url: gateway.url,
    subgraphCalls: proxy.calls,
    async close() {
      await gateway.close();
      await proxy.close();
    },
  };
}

/** `me { orders { edges { node { member { orders … } } } } }`, `cycles` times round, then `id`. */
function nestedOrders(cycles: number): string {
  let inner = 'id';
  for (let i = 0; i < cycles; i++) inner = `orders(first: 1) { edges { node { member { ${inner} } } } }`;
  return `{ me { ${inner} } }`;
}

describe('operation limits, with the default settings', () => {
  let gateway: Awaited<ReturnType<typeof startExtraGateway>>;
  let ana: string;
  beforeAll(async () => {
    gateway = await startExtraGateway();
    ana = await stack.memberToken(stack.demo[0].id);
  });
  afterAll(async () => {
    await gateway?.close();
  });

  /** Sends `query` as Ana and checks it was refused with `pattern`, no data and no subgraph call. */
  async function expectRefusedBeforeSubgraphs(query: string, pattern: RegExp) {
    const before = gateway.subgraphCalls();
    const answer = await post(gateway.url, { query }, bearer(ana));
    expect(answer.status).toBe(400);
    expect(answer.body.data).toBeUndefined();
    expect(codes(answer)).toContain('GRAPHQL_VALIDATION_FAILED');
    expect(messages(answer)).toMatch(pattern);
    expect(messages(answer)).not.toMatch(/Internal server error/);
    expect(gateway.subgraphCalls()).toBe(before);
  }

  it('Ana (member) can still ask for her orders two levels round, and that does reach the subgraphs', async () => {
    const before = gateway.subgraphCalls();
    const answer = await post(gateway.url, { query: nestedOrders(2) }, bearer(ana));
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data.me.orders.edges).toHaveLength(1);
    expect(gateway.subgraphCalls()).toBeGreaterThan(before);
  });

  it('Ana (member) asking for a query nested deeper than 12 levels is refused before any subgraph is called', async () => {
    await expectRefusedBeforeSubgraphs(nestedOrders(4), /depth limit of 12 exceeded/i);
  });

  it('Ana (member) may use 30 aliases, but 31 are refused before any subgraph is called', async () => {
    const aliased = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `t${i}: tiers { name }`).join(' ')} }`;
    const fine = await post(gateway.url, { query: aliased(30) }, bearer(ana));
    expect(fine.body.errors).toBeUndefined();
    expect(fine.body.data.t29).toHaveLength(5);
    await expectRefusedBeforeSubgraphs(aliased(31), /aliases limit of 30 exceeded/i);
  });

  it('Ana (member) sending a document of more than 5000 tokens is refused before any subgraph is called', async () => {
    const before = gateway.subgraphCalls();
    const answer = await post(gateway.url, { query: `{ tiers { ${'name '.repeat(5000)}} }` }, bearer(ana));
    expect(answer.status).toBe(400);
    expect(answer.body.data).toBeUndefined();
    expect(messages(answer)).toMatch(/5000 tokens/);
    expect(codes(answer)).toEqual(['GRAPHQL_PARSE_FAILED']);
    expect(gateway.subgraphCalls()).toBe(before);
  });

  it('Ana (member) using more than 50 directives in one query is refused before any subgraph is called', async () => {
    const fields = Array.from({ length: 51 }, (_, i) => `n${i}: name @include(if: true)`).join(' ');
    const gateway51 = `{ tiers { ${fields} } }`;
    await expectRefusedBeforeSubgraphs(gateway51, /directives limit of 50 exceeded/i);
  });

  it('Ana (member) asking for 100 members with 100 orders each is refused as too costly before any subgraph is called', async () => {
    const query = '{ members(first: 100) { edges { node { orders(first: 100) { edges { node { id total { amount } } } } } } } }';
    await expectRefusedBeforeSubgraphs(query, /cost limit of 50000 exceeded/i);
  });

  it('Ana (member) asking for 100 orders of 100 orders through a variable is refused like the same query with literals', async () => {
    const shape = (n: string) =>
      `me { orders(first: ${n}) { edges { node { id member { orders(first: ${n}) { edges { node { id } } } } } } } }`;
    const literal = `{ ${shape('100')} }`;
    const byDefault = `query ($n: Int = 100) { ${shape('$n')} }`;
    const byValue = `query ($n: Int!) { ${shape('$n')} }`;
    const refusals: string[] = [];
    for (const [query, variables] of [
      [literal, {}],
      [byDefault, {}],
      [byValue, { n: 100 }],
    ] as const) {
      const before = gateway.subgraphCalls();
      const answer = await post(gateway.url, { query, variables }, bearer(ana));
      expect(answer.status).toBe(400);
      expect(answer.body.data).toBeUndefined();
      expect(codes(answer)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
      expect(messages(answer)).toMatch(/cost limit of 50000 exceeded, found [\d,]+/i);
      expect(gateway.subgraphCalls()).toBe(before);
      refusals.push(messages(answer));
    }
    // The same list sizes cost the same, however they are written.
    expect(new Set(refusals).size).toBe(1);
  });

  it("Ana (member) leaving list sizes to the schema's defaults (20) is refused when 20 × 20 × 20 is too costly", async () => {
    const query = '{ members { edges { node { orders { edges { node { member { orders { edges { node { id } } } } } } } } } } }';
    const before = gateway.subgraphCalls();
    const answer = await post(gateway.url, { query }, bearer(ana));
    expect(answer.status).toBe(400);
    expect(codes(answer)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(messages(answer)).toMatch(/cost limit of 50000 exceeded/i);
    expect(gateway.subgraphCalls()).toBe(before);
  });

  it('Ana (member) aliasing __typename 101 times is refused like any other alias overload', async () => {
    const query = `{ ${Array.from({ length: 101 }, (_, i) => `t${i}: __typename`).join(' ')} }`;
    await expectRefusedBeforeSubgraphs(query, /aliases limit of 30 exceeded, found 101/i);
  });

  it('Ana (member) repeating an unknown directive ten times gets one error, not ten', async () => {
    const query = `{ tiers { ${Array.from({ length: 10 }, (_, i) => `n${i}: name @nope`).join(' ')} } }`;
    const answer = await post(gateway.url, { query }, bearer(ana));
    expect(answer.status).toBe(400);
    expect(answer.body.errors).toHaveLength(1);
    expect(codes(answer)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(messages(answer)).toBe('Unknown directive "@nope".');
  });
});

describe('safe defaults', () => {
  it('a token signed with the right secret but without an expiry is refused with 401 UNAUTHENTICATED', async () => {
    // Signed by hand (HS256, the gateway's issuer and audience): issueAccessToken always sets exp.
    const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const sign = (claims: object) => {
      const unsigned = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}`;
      return `${unsigned}.${createHmac('sha256', TEST_ENV.JWT_SECRET).update(unsigned).digest('base64url')}`;
    };
    const now = Math.floor(Date.now() / 1000);
    // A live session of Ana's, so that only the expiry differs between the two tokens.
    const [, payload] = (await stack.memberToken(stack.demo[0].id)).split('.');
    const { sid } = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8')) as { sid: string };
    const claims = { sub: stack.demo[0].id, kind: 'member', sid, iss: 'membership-identity', aud: 'membership-graph', iat: now };
    // The same token with an expiry is accepted, so the refusal below is about the missing exp.
    const withExp = await stack.gql('{ me { id } }', {}, { token: sign({ ...claims, exp: now + 60 }) });
    expect(withExp.body.data?.me.id).toBe(stack.demo[0].id);
    const answer = await stack.gql('{ me { id } }', {}, { token: sign(claims) });
    expect(answer.status).toBe(401);
    expect(answer.body.data ?? undefined).toBeUndefined();
    expect(answer.body.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
  });

  it('a gateway bound to 0.0.0.0 with the published development secrets refuses to start, naming what to set', async () => {
    const env = loadGatewayEnv({ NODE_ENV: 'test', LOG_LEVEL: 'silent', HOST: '0.0.0.0', PORT: '0' });
    const outcome = await startGateway({ env, logger: createLogger('test', 'silent'), subgraphUrls: {} }).then(
      async (gateway) => {
        await gateway.close();
        return new Error('started');
      },
      (error: unknown) => error as Error,
    );
    expect(outcome.message).not.toBe('started');
    expect(outcome.message).toMatch(/JWT_SECRET/);
    expect(outcome.message).toMatch(/GATEWAY_SIGNING_KEY/);
    expect(outcome.message).toMatch(/0\.0\.0\.0/);
  });
});

describe('introspection and field suggestions are for staff with schema:read', () => {
  const INTROSPECT = '{ __schema { queryType { name } } }';

  it('an anonymous visitor asking for the schema is refused with FORBIDDEN', async () => {
    const answer = await stack.gql(INTROSPECT);
    expect(answer.status).toBe(403);
    expect(answer.body.data).toBeUndefined();
    expect(codes(answer)).toEqual(['FORBIDDEN']);
    expect(messages(answer)).toBe('Introspection is only for staff with schema:read');
  });

  it('Ana (member) is refused introspection, also when __type hides in a fragment next to her own data', async () => {
    const token = await stack.memberToken(stack.demo[0].id);
    const hidden = `query { me { displayName } ...Peek } fragment Peek on Query { ... on Query { __type(name: "Member") { fields { name } } } }`;
    for (const query of [INTROSPECT, hidden]) {
      const answer = await stack.gql(query, {}, { token });
      expect(answer.body.data).toBeUndefined();
      expect(codes(answer)).toEqual(['FORBIDDEN']);
    }
  });

  it('staff without schema:read are refused introspection', async () => {
    const token = await stack.staffToken(['members:read']);
    const answer = await stack.gql(INTROSPECT, {}, { token });
    expect(codes(answer)).toEqual(['FORBIDDEN']);
  });

  it('staff with schema:read read the schema', async () => {
    const token = await stack.staffToken(['schema:read']);
    const answer = await stack.gql(INTROSPECT, {}, { token });
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data.__schema.queryType.name).toBe('Query');
    const type = await stack.gql('{ __type(name: "Member") { fields { name } } }', {}, { token });
    expect(type.body.data.__type.fields.map((f: { name: string }) => f.name)).toContain('email');
  });

  it('an anonymous visitor may still ask for __typename', async () => {
    const answer = await stack.gql('{ __typename tiers { __typename name } }');
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data.__typename).toBe('Query');
    expect(answer.body.data.tiers[0].__typename).toBe('Tier');
  });

  it('Ana (member) misspelling a field is told it does not exist, without a suggestion', async () => {
    const token = await stack.memberToken(stack.demo[0].id);
    const answer = await stack.gql('{ me { emial } }', {}, { token });
    expect(answer.status).toBe(400);
    expect(codes(answer)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(messages(answer)).toBe('Cannot query field "emial" on type "Member".');
  });

  it('an anonymous visitor misspelling an argument or a type gets no suggestion either', async () => {
    const answer = await stack.gql('query ($x: Stirng) { members(frist: 1) { edges { cursor } } }', { x: 'a' });
    expect(answer.status).toBe(400);
    expect(messages(answer)).toMatch(/Unknown argument "frist"/);
    expect(messages(answer)).toMatch(/Unknown type "Stirng"/);
    expect(messages(answer)).not.toMatch(/Did you mean/);
  });

  it('staff with schema:read misspelling a field are told what they meant', async () => {
    const token = await stack.staffToken(['schema:read']);
    const answer = await stack.gql('{ me { emial } }', {}, { token });
    expect(codes(answer)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(messages(answer)).toBe('Cannot query field "emial" on type "Member". Did you mean "email"?');
  });
});

describe('the HTTP door', () => {
  const BATCH = [{ query: '{ tiers { name } }' }, { query: '{ __typename }' }];

  it('an anonymous visitor sending two operations in one request (a batch) is refused', async () => {
    const answer = await post(stack.gatewayUrl, BATCH);
    expect(answer.status).toBe(400);
    expect(messages(answer)).toMatch(/batch/i);
  });

  it('a page on another site cannot make a visitor’s browser send a simple GET or text/plain POST (CSRF)', async () => {
    const query = encodeURIComponent('{ tiers { name } }');
    const get = await fetch(`${stack.gatewayUrl}?query=${query}`);
    expect(get.status).toBe(400);
    expect(await get.text()).toMatch(/CSRF/);
    const plain = await fetch(stack.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ query: '{ tiers { name } }' }),
    });
    expect(plain.status).toBe(400);
    expect(await plain.text()).toMatch(/CSRF/);
    // The same GET from a client that says it is not a browser form goes through.
    const preflighted = await fetch(`${stack.gatewayUrl}?query=${query}`, { headers: { 'apollo-require-preflight': 'true' } });
    expect(preflighted.status).toBe(200);
    expect(((await preflighted.json()) as Answer['body']).data.tiers).toHaveLength(5);
  });

  it('an anonymous visitor sending a body over 1 MB gets 413', async () => {
    const padding = 'x'.repeat(1_100_000);
    const answer = await post(stack.gatewayUrl, { query: '{ tiers { name } }', variables: { padding } });
    expect(answer.status).toBe(413);
    expect(codes(answer)).toEqual(['PAYLOAD_TOO_LARGE']);
  });

  describe('with ALLOW_BATCHED_REQUESTS=true and MAX_DEPTH=3', () => {
    let gateway: Awaited<ReturnType<typeof startExtraGateway>>;
    beforeAll(async () => {
      gateway = await startExtraGateway({ ALLOW_BATCHED_REQUESTS: 'true', MAX_DEPTH: '3' });
    });
    afterAll(async () => {
      await gateway?.close();
    });

    it('an anonymous visitor may send a batch', async () => {
      const response = await fetch(gateway.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(BATCH),
      });
      expect(response.status).toBe(200);
      const answers = (await response.json()) as Answer['body'][];
      expect(answers).toHaveLength(2);
      expect(answers[0]?.data.tiers).toHaveLength(5);
      expect(answers[1]?.data.__typename).toBe('Query');
    });

    it("Ana (member) asking for her orders' ids (depth 5) is refused", async () => {
      const token = await stack.memberToken(stack.demo[0].id);
      // Once, so this gateway has identity's word on Ana's session before calls are counted.
      await post(gateway.url, { query: '{ __typename }' }, bearer(token));
      const before = gateway.subgraphCalls();
      const answer = await post(gateway.url, { query: '{ me { orders(first: 1) { edges { node { id } } } } }' }, bearer(token));
      expect(answer.status).toBe(400);
      expect(messages(answer)).toMatch(/depth limit of 3 exceeded/i);
      expect(gateway.subgraphCalls()).toBe(before);
    });
  });
});
