import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@membership/config';
import { TEST_ENV, startTestStack, type TestStack } from '@membership/testing';
import { loadGatewayEnv, startGateway } from '../src/index.js';

let stack: TestStack;
let proxy: Server;
let calls = 0;
let gatewayUrl: string;
let closeGateway: () => Promise<void>;

/** Counts the calls that reach points, forwarding them unchanged. */
async function countingProxy(target: string): Promise<string> {
  proxy = createServer(async (req, res) => {
    calls++;
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const headers = Object.fromEntries(
      Object.entries(req.headers).filter(([k]) => !['host', 'content-length', 'connection'].includes(k)),
    ) as Record<string, string>;
    const upstream = await fetch(target, { method: req.method, headers, body: Buffer.concat(chunks) });
    res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' });
    res.end(await upstream.text());
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(proxy.address() as { port: number }).port}/graphql`;
}

beforeAll(async () => {
  stack = await startTestStack();
  const urls = Object.fromEntries(Object.entries(stack.subgraphs).map(([n, s]) => [n, s.url]));
  const gateway = await startGateway({
    env: loadGatewayEnv({ ...TEST_ENV, PORT: '0' }),
    logger: createLogger('test', 'silent'),
    subgraphUrls: { ...urls, points: await countingProxy(urls.points!) },
  });
  gatewayUrl = gateway.url;
  closeGateway = gateway.close;
});
afterAll(async () => {
  await closeGateway?.();
  proxy?.close();
  await stack?.stop();
});

async function balance(token: string): Promise<number> {
  const res = await fetch(gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: '{ me { displayName pointsBalance } }' }),
  });
  return ((await res.json()) as { data: { me: { pointsBalance: number } } }).data.me.pointsBalance;
}

describe('identical subgraph fetches in flight are shared, per caller', () => {
  it('twenty dashboards Ana opens at once cost points far fewer than twenty calls, and each shows her balance', async () => {
    const token = await stack.memberToken(stack.demo[0].id);
    // Her balance asked alone first (it depends on what the demo orders earned): the reference.
    const alone = await balance(token);
    calls = 0;
    const balances = await Promise.all(Array.from({ length: 20 }, () => balance(token)));
    expect(balances).toEqual(Array(20).fill(alone));
    expect(calls).toBeLessThan(20);
  });

  it("Ana and Bo asking at the same moment never get each other's balance", async () => {
    const [ana, bo] = [await stack.memberToken(stack.demo[0].id), await stack.memberToken(stack.demo[1].id)];
    const [anaAlone, boAlone] = [await balance(ana), await balance(bo)];
    // Different balances, or a mix-up could not show.
    expect(anaAlone).not.toBe(boAlone);
    calls = 0;
    const balances = await Promise.all(Array.from({ length: 20 }, (_v, i) => balance(i % 2 ? bo : ana)));
    expect(balances).toEqual(Array.from({ length: 20 }, (_v, i) => (i % 2 ? boAlone : anaAlone)));
    expect(calls).toBeGreaterThanOrEqual(2);
  });
});
