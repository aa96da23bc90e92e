/** The forwarded viewer on its own: what a captured header is good for, and what it is not. */
import { createHmac, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { issueAccessToken, verifyAccessToken, viewerSigner, viewerVerifier, forwardedCaller, type Viewer } from '../../src/index.js';

const GATEWAY_PRIVATE =
  'eyJjcnYiOiJFZDI1NTE5IiwiZCI6Ii1ZS0RzWDlHWTkxVGMyejdUM3kxM3haQ2hrN0syVlpXZmc0TWlvODZ0dzgiLCJ4IjoiVlZSeDhkUlU3eWxsV2JiQjBlQzY5VEZ6bUtzS0VjSVlzakdwZmRoMXBzayIsImt0eSI6Ik9LUCJ9';
const GATEWAY_PUBLIC = 'eyJjcnYiOiJFZDI1NTE5IiwieCI6IlZWUng4ZFJVN3lsbFdiYkIwZUM2OVRGem1Lc0tFY0lZc2pHcGZkaDFwc2siLCJrdHkiOiJPS1AifQ==';
const IDENTITY_PRIVATE =
  'eyJjcnYiOiJFZDI1NTE5IiwiZCI6IjAzeWJ0ZGxIZlNEeWd6UnhncVc2LVBIMzN3NWk0UDZ3MndNaGFWdnFPbDQiLCJ4IjoiVE1KQUV6dURUYXNrNnhaNUhfSDNFTk12Q2JTcF9RT2t6RWN6RkdiRG5uMCIsImt0eSI6Ik9LUCJ9';
const IDENTITY_PUBLIC = 'eyJjcnYiOiJFZDI1NTE5IiwieCI6IlRNSkFFenVEVGFzazZ4WjVIX0gzRU5NdkNiU3BfUU9rekVjekZHYkRubjAiLCJrdHkiOiJPS1AifQ==';
const secret = 'a-signing-secret-that-is-long-enough-0123';

const gateway = viewerSigner('gateway', GATEWAY_PRIVATE);
const identity = viewerSigner('identity', IDENTITY_PRIVATE);
const atOrders = viewerVerifier('orders', { gateway: GATEWAY_PUBLIC, identity: IDENTITY_PUBLIC });
const atPoints = viewerVerifier('points', { gateway: GATEWAY_PUBLIC, identity: IDENTITY_PUBLIC });
const ana: Viewer = { kind: 'member', memberId: 'm-ana' };
const body = { query: 'query Q($n: Int) { me { orders(first: $n) { id } } }', operationName: 'Q', variables: { n: 5 } };

describe('a viewer the gateway signs for one subgraph call', () => {
  it('verifies at that subgraph with that body', async () => {
    const header = await gateway.sign(ana, { audience: 'orders', body, requestId: 'r-1' });
    expect(await atOrders.verify(header, JSON.parse(JSON.stringify(body)))).toEqual({ viewer: ana, requestId: 'r-1' });
  });

  it('is refused at another subgraph', async () => {
    const header = await gateway.sign(ana, { audience: 'orders', body, requestId: 'r-1' });
    expect(await atPoints.verify(header, body)).toEqual({ rejected: 'wrong-audience' });
  });

  it('is refused with another query, operation or variables', async () => {
    const header = await gateway.sign(ana, { audience: 'orders', body, requestId: 'r-1' });
    expect(await atOrders.verify(header, { ...body, query: '{ members(first: 100) { edges { node { id } } } }' })).toEqual({
      rejected: 'wrong-body',
    });
    expect(await atOrders.verify(header, { ...body, variables: { n: 100 } })).toEqual({ rejected: 'wrong-body' });
    expect(await atOrders.verify(header, { ...body, operationName: 'Other' })).toEqual({ rejected: 'wrong-body' });
    expect(await atOrders.verify(header, undefined)).toEqual({ rejected: 'wrong-body' });
  });

  it('is refused once expired, or when issued in the future', async () => {
    const old = await gateway.sign(ana, { audience: 'orders', body, requestId: 'r', now: Date.now() - 120_000 });
    expect(await atOrders.verify(old, body)).toEqual({ rejected: 'expired' });
    const long = await gateway.sign(ana, { audience: 'orders', body, requestId: 'r', now: Date.now() - 120_000, ttlSeconds: 3600 });
    expect(await atOrders.verify(long, body)).toEqual({ rejected: 'expired' });
    const future = await gateway.sign(ana, { audience: 'orders', body, requestId: 'r', now: Date.now() + 600_000 });
    expect(await atOrders.verify(future, body)).toEqual({ rejected: 'expired' });
  });

  it('is refused when signed by any other key, or in the old HMAC format', async () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const stranger = viewerSigner('gateway', Buffer.from(JSON.stringify(privateKey.export({ format: 'jwk' }))).toString('base64'));
    expect(await atOrders.verify(await stranger.sign(ana, { audience: 'orders', body, requestId: 'r' }), body)).toEqual({
      rejected: 'bad-signature',
    });
    const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    expect(await atOrders.verify(await viewerSigner('gateway', pem).sign(ana, { audience: 'orders', body, requestId: 'r' }), body)).toEqual(
      { rejected: 'bad-signature' },
    );
    const payload = Buffer.from(JSON.stringify({ v: ana, rid: 'r', iat: 0, exp: 9e9 })).toString('base64url');
    const hmac = `${payload}.${createHmac('sha256', 'dev-internal-signing-secret-change-me-0123456789').update(payload).digest('base64url')}`;
    expect(await atOrders.verify(hmac, body)).toEqual({ rejected: 'malformed' });
    expect(await atOrders.verify(undefined, body)).toEqual({ rejected: 'missing' });
  });

  it('an unknown service is refused, and a service is who its key says', async () => {
    const unknown = viewerSigner('billing', IDENTITY_PRIVATE);
    expect(await atOrders.verify(await unknown.sign(ana, { audience: 'orders', body, requestId: 'r' }), body)).toEqual({
      rejected: 'unknown-signer',
    });
    // Identity's key cannot forward a member or staff: it only ever yields identity.
    const staff: Viewer = { kind: 'staff', staffId: 's', scopes: ['members:read'] };
    expect(await atOrders.verify(await identity.sign(staff, { audience: 'orders', body, requestId: 'r' }), body)).toEqual({
      viewer: { kind: 'service', service: 'identity' },
      requestId: 'r',
    });
    // The gateway's key cannot speak as identity.
    const asIdentity = await gateway.sign({ kind: 'service', service: 'identity' }, { audience: 'orders', body, requestId: 'r' });
    expect(await atOrders.verify(asIdentity, body)).toEqual({ rejected: 'unknown-signer' });
    // A subgraph that does not trust identity's key refuses it.
    const identityOnlyTrustsGateway = viewerVerifier('orders', { gateway: GATEWAY_PUBLIC });
    expect(await identityOnlyTrustsGateway.verify(await identity.sign(ana, { audience: 'orders', body, requestId: 'r' }), body)).toEqual({
      rejected: 'unknown-signer',
    });
  });

  it('two headers of the same caller name the same caller, whatever their request or subgraph', async () => {
    const a = await gateway.sign(ana, { audience: 'orders', body, requestId: 'r-1' });
    const b = await gateway.sign(ana, { audience: 'points', body, requestId: 'r-2', now: Date.now() - 1000 });
    expect(a).not.toBe(b);
    expect(forwardedCaller(a)).toBe(forwardedCaller(b));
    expect(
      forwardedCaller(await gateway.sign({ kind: 'member', memberId: 'm-bo' }, { audience: 'orders', body, requestId: 'r-1' })),
    ).not.toBe(forwardedCaller(a));
  });
});

describe('access tokens', () => {
  it('turn into a member or staff viewer, and an expired one says so', async () => {
    const member = await issueAccessToken({ sub: 'm-1', kind: 'member' }, secret, { ttlSeconds: 60 });
    expect(await verifyAccessToken(member.token, secret)).toEqual({ kind: 'member', memberId: 'm-1' });
    const staff = await issueAccessToken({ sub: 's-1', kind: 'staff', scope: 'members:read orders:read' }, secret, { ttlSeconds: 60 });
    expect(await verifyAccessToken(staff.token, secret)).toEqual({
      kind: 'staff',
      staffId: 's-1',
      scopes: ['members:read', 'orders:read'],
    });
    const expired = await issueAccessToken({ sub: 'm-1', kind: 'member' }, secret, {
      ttlSeconds: 60,
      now: new Date(Date.now() - 3_600_000),
    });
    expect(await verifyAccessToken(expired.token, secret)).toEqual({ problem: 'expired' });
    expect(await verifyAccessToken(member.token, 'another-secret-that-is-long-enough-01234')).toEqual({ problem: 'invalid' });
  });
});
