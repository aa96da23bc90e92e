/**
 * What a captured header or a compromised service can do, calling subgraphs directly:
 * a forwarded viewer is good for one call at one subgraph, only the gateway's key can sign
 * one, and each service's key opens only the internal fields meant for it.
 */
import { createHmac, generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IDENTITY, MEMBER_DATA_EXPORT, callSubgraph, startTestStack, testSigners, type TestStack } from '@membership/testing';
import { VIEWER_HEADER, viewerSigner, type Viewer } from '@membership/viewer';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

// Any ids: the signature is refused or accepted before an order is looked up.
const ORDER_ID = '00000000-0000-4000-8000-0000000000a1';
const OTHER_ORDER_ID = '00000000-0000-4000-8000-0000000000b2';
const SUPPORT: Viewer = { kind: 'staff', staffId: '00000000-0000-4000-8000-00000000057a', scopes: ['members:read', 'orders:read'] };
const EVERYONE = `query Everyone($n: Int) { members(first: $n) { edges { node { id email phone } } } }`;
const ORDERS = `query Order($id: ID!) { order(id: $id) { id status } }`;

/** POSTs `body` to a subgraph with `header` as the signed viewer, as someone holding a captured header would. */
async function replay(subgraph: string, header: string, body: { query: string; variables?: Record<string, unknown> }) {
  const response = await fetch(stack.subgraphs[subgraph]!.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [VIEWER_HEADER]: header },
    body: JSON.stringify(body),
  });
  return response.status;
}

describe('a header captured from one subgraph call', () => {
  it('works for the call it was signed for', async () => {
    const body = { query: ORDERS, variables: { id: ORDER_ID } };
    const header = await testSigners.gateway.sign(SUPPORT, { audience: 'orders', body, requestId: 'r' });
    expect(await replay('orders', header, body)).toBe(200);
  });

  it('replayed to another subgraph (identity, asking for everyone’s contact data) is 401', async () => {
    const body = { query: EVERYONE, variables: { n: 100 } };
    const header = await testSigners.gateway.sign(SUPPORT, { audience: 'orders', body, requestId: 'r' });
    expect(await replay('identity', header, body)).toBe(401);
  });

  it('replayed to the same subgraph with another query or other variables is 401', async () => {
    const body = { query: ORDERS, variables: { id: ORDER_ID } };
    const header = await testSigners.gateway.sign(SUPPORT, { audience: 'orders', body, requestId: 'r' });
    expect(await replay('orders', header, { query: ORDERS, variables: { id: OTHER_ORDER_ID } })).toBe(401);
    expect(await replay('orders', header, { query: `{ order(id: "${ORDER_ID}") { id total { amount } lines { sku } } }` })).toBe(401);
    expect(await replay('orders', header, { query: ORDERS })).toBe(401);
  });

  it('replayed after its short expiry is 401', async () => {
    const body = { query: ORDERS, variables: { id: ORDER_ID } };
    const header = await testSigners.gateway.sign(SUPPORT, { audience: 'orders', body, requestId: 'r', now: Date.now() - 60_000 });
    expect(await replay('orders', header, body)).toBe(401);
  });
});

describe('nobody but the gateway can sign a viewer', () => {
  const body = { query: EVERYONE, variables: { n: 100 } };

  it('a header in the old HMAC format, signed with the old shared secret, is 401 at every subgraph', async () => {
    const payload = Buffer.from(JSON.stringify({ v: SUPPORT, rid: 'r', iat: Math.floor(Date.now() / 1000), exp: 9e9 })).toString(
      'base64url',
    );
    const mac = createHmac('sha256', 'dev-internal-signing-secret-change-me-0123456789').update(payload).digest('base64url');
    for (const name of Object.keys(stack.subgraphs)) expect(await replay(name, `${payload}.${mac}`, body)).toBe(401);
  });

  it('a header signed with any other Ed25519 key is 401, whatever service it names', async () => {
    const jwk = Buffer.from(JSON.stringify(generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' }))).toString('base64');
    for (const service of ['gateway', 'identity']) {
      const header = await viewerSigner(service, jwk).sign(SUPPORT, { audience: 'identity', body, requestId: 'r' });
      expect(await replay('identity', header, body)).toBe(401);
    }
  });

  it("identity's key cannot forward a staff member: identity does not accept it, and elsewhere it is only identity", async () => {
    const header = await testSigners.identity.sign(SUPPORT, { audience: 'identity', body, requestId: 'r' });
    expect(await replay('identity', header, body)).toBe(401);
    const orders = await callSubgraph(stack, 'orders', ORDERS, { id: ORDER_ID }, SUPPORT, { signer: testSigners.identity });
    expect(orders.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('the subgraphs hold no private key: none of them is given one to sign with', () => {
    for (const m of stack.modules) {
      for (const key of Object.values(m.trustedKeys)) {
        const jwk = JSON.parse(Buffer.from(key, 'base64').toString('utf8')) as { d?: string };
        expect(jwk.d).toBeUndefined();
      }
    }
  });
});

describe('each service key opens only the internal fields meant for it', () => {
  const ana = () => stack.demo[0];

  it("identity's key collects exports (the control)", async () => {
    const res = await callSubgraph(stack, 'orders', MEMBER_DATA_EXPORT, { memberId: ana().id }, IDENTITY);
    expect(res.body.errors).toBeUndefined();
  });

  it("the gateway's key cannot call memberDataExport, as itself (FORBIDDEN) or claiming to be identity (401)", async () => {
    for (const name of ['tiers', 'points', 'orders', 'moderation']) {
      const asGateway = await callSubgraph(
        stack,
        name,
        MEMBER_DATA_EXPORT,
        { memberId: ana().id },
        { kind: 'service', service: 'gateway' },
      );
      expect(asGateway.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(asGateway.body.data?.memberDataExport ?? null).toBeNull();
      const claimingIdentity = await callSubgraph(stack, name, MEMBER_DATA_EXPORT, { memberId: ana().id }, IDENTITY, {
        signer: testSigners.gateway,
      });
      expect(claimingIdentity.status).toBe(401);
    }
  });

  it("identity's key cannot call recordPiiAccess: 401", async () => {
    const RECORD = `mutation RecordPiiAccess($input: RecordPiiAccessInput!) { recordPiiAccess(input: $input) { recorded } }`;
    const entry = {
      viewerKind: 'staff',
      viewerId: 'forged',
      viewerRole: null,
      ownerMemberId: ana().id,
      fields: ['Member.email'],
      categories: ['CONTACT'],
      purpose: 'forged',
      operationName: null,
      requestId: 'forged',
    };
    const res = await callSubgraph(
      stack,
      'identity',
      RECORD,
      { input: { entries: [entry] } },
      { kind: 'service', service: 'gateway' },
      { signer: testSigners.identity },
    );
    expect(res.status).toBe(401);
  });
});
