import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@membership/config';
import { TEST_ENV, startTestStack, testSigners, type TestStack } from '@membership/testing';
import { VIEWER_HEADER, issueAccessToken, viewerSigner } from '@membership/viewer';
import { loadGatewayEnv, startGateway } from '../src/index.js';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

const DASHBOARD = `{
  me {
    displayName email
    tier { name }
    pointsBalance
    orders(first: 5) { edges { node { id total { amount currency } } } }
    standing { status }
  }
}`;

describe('one graph over five subgraphs', () => {
  it("Ana's dashboard query returns data from identity, tiers, points, orders and moderation", async () => {
    const ana = stack.demo[0];
    const login = await stack.gql(`mutation { login(input: { login: "${ana.email}", password: "${ana.password}" }) { accessToken } }`);
    const token = login.body.data.login.accessToken as string;
    const res = await stack.gql(DASHBOARD, {}, { token });
    expect(res.body.errors).toBeUndefined();
    const me = res.body.data.me;
    expect(me.displayName).toBe('Ana');
    expect(me.email).toBe('ana@example.com');
    expect(me.tier.name).toMatch(/gold/i);
    expect(me.pointsBalance).toBeGreaterThanOrEqual(100);
    expect(me.orders.edges.length).toBeGreaterThan(0);
    expect(me.orders.edges[0].node.total.currency).toBe('CNY');
    expect(me.standing.status).toBe('GOOD');
  });

  it('anyone can read the published tiers without signing in', async () => {
    const res = await stack.gql('{ tiers { name } }');
    expect(res.body.data.tiers).toHaveLength(5);
  });
});

describe('the gateway is the only door', () => {
  const request = { query: '{ _service { sdl } }' };
  const post = (url: string, headers: Record<string, string> = {}) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(request) });

  it('a direct call to a subgraph without the gateway signature gets 401', async () => {
    for (const subgraph of Object.values(stack.subgraphs)) {
      expect((await post(subgraph.url)).status).toBe(401);
    }
  });

  it('a direct call with a signature made with another key gets 401', async () => {
    const jwk = generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' });
    const stranger = viewerSigner('gateway', Buffer.from(JSON.stringify(jwk)).toString('base64'));
    const forged = await stranger.sign(
      { kind: 'staff', staffId: 'x', scopes: ['members:read'] },
      { audience: 'identity', body: request, requestId: 'r' },
    );
    const res = await post(stack.subgraphs.identity!.url, { [VIEWER_HEADER]: forged });
    expect(res.status).toBe(401);
  });

  it('a direct call replaying an expired gateway signature gets 401', async () => {
    const call = { audience: 'identity', body: request, requestId: 'r' };
    const old = await testSigners.gateway.sign({ kind: 'anonymous' }, { ...call, now: Date.now() - 600_000 });
    const res = await post(stack.subgraphs.identity!.url, { [VIEWER_HEADER]: old });
    expect(res.status).toBe(401);
    const fresh = await testSigners.gateway.sign({ kind: 'anonymous' }, call);
    expect((await post(stack.subgraphs.identity!.url, { [VIEWER_HEADER]: fresh })).status).toBe(200);
  });

  it('an expired access token is refused with 401 and a message to sign in again', async () => {
    const { token } = await issueAccessToken({ sub: stack.demo[0].id, kind: 'member' }, TEST_ENV.JWT_SECRET, {
      ttlSeconds: 60,
      now: new Date(Date.now() - 3_600_000),
    });
    const res = await stack.gql('{ me { id } }', {}, { token });
    expect(res.status).toBe(401);
    expect(res.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(res.body.errors?.[0]?.message).toMatch(/expired/);
  });
});

describe('a subgraph that is down or slow costs only its own fields', () => {
  let dead: Server;
  let hanging: Server;
  const sockets: Socket[] = [];
  let gatewayUrl: string;
  let close: () => Promise<void>;

  beforeAll(async () => {
    const listen = (server: Server) =>
      new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
    dead = createServer((socket) => socket.destroy());
    hanging = createServer((socket) => void sockets.push(socket)); // accepts, never answers
    const [deadPort, hangingPort] = [await listen(dead), await listen(hanging)];
    const urls = Object.fromEntries(Object.entries(stack.subgraphs).map(([name, s]) => [name, s.url]));
    const gateway = await startGateway({
      env: loadGatewayEnv({ ...TEST_ENV, PORT: '0', SUBGRAPH_TIMEOUT_MS: '300' }),
      logger: createLogger('test', 'silent'),
      subgraphUrls: { ...urls, points: `http://127.0.0.1:${deadPort}/graphql`, orders: `http://127.0.0.1:${hangingPort}/graphql` },
    });
    gatewayUrl = gateway.url;
    close = gateway.close;
  });
  afterAll(async () => {
    await close?.();
    dead?.close();
    for (const socket of sockets) socket.destroy();
    hanging?.close();
  });

  it('Ana still gets her name and tier when points is down and orders hangs, with errors that reveal no address', async () => {
    const token = await stack.memberToken(stack.demo[0].id);
    const started = Date.now();
    const response = await fetch(gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: DASHBOARD }),
    });
    const text = await response.text();
    const body = JSON.parse(text);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(body.data.me.displayName).toBe('Ana');
    expect(body.data.me.tier.name).toMatch(/gold/i);
    expect(body.data.me.pointsBalance).toBeNull();
    expect(body.data.me.orders).toBeNull();
    const codes = body.errors.map((e: { extensions: { code: string } }) => e.extensions.code);
    expect(codes).toContain('SUBGRAPH_UNAVAILABLE');
    for (const e of body.errors) expect(e.extensions.requestId).toBeTruthy();
    expect(text).not.toMatch(/127\.0\.0\.1|localhost|https?:\/\/|stacktrace|\bat \S+\.(ts|js)/);
  });
});
