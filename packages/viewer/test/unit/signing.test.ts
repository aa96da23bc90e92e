import { describe, expect, it } from 'vitest';
import { signViewer, verifyViewer, issueAccessToken, verifyAccessToken } from '../../src/index.js';

const secret = 'a-signing-secret-that-is-long-enough-0123';

describe('signed viewer forwarded by the gateway', () => {
  const viewer = { kind: 'member', memberId: 'm-1' } as const;

  it('verifies what it signed', () => {
    const header = signViewer(viewer, secret, { requestId: 'r-1' });
    expect(verifyViewer(header, secret)).toEqual({ viewer, requestId: 'r-1' });
  });
  it('refuses a missing, tampered, foreign or expired signature', () => {
    const header = signViewer(viewer, secret, { requestId: 'r-1' });
    const [body, sig] = header.split('.');
    const forged = Buffer.from(JSON.stringify({ v: { kind: 'staff', staffId: 'x', scopes: ['*'] }, rid: 'r', iat: 0, exp: 9e9 })).toString('base64url');
    expect(verifyViewer(undefined, secret)).toEqual({ rejected: 'missing' });
    expect(verifyViewer(`${forged}.${sig}`, secret)).toEqual({ rejected: 'bad-signature' });
    expect(verifyViewer(header, 'another-secret-that-is-long-enough-01234')).toEqual({ rejected: 'bad-signature' });
    expect(verifyViewer(`${body}`, secret)).toEqual({ rejected: 'malformed' });
    const old = signViewer(viewer, secret, { requestId: 'r', now: Date.now() - 120_000, ttlSeconds: 60 });
    expect(verifyViewer(old, secret)).toEqual({ rejected: 'expired' });
  });
});

describe('access tokens', () => {
  it('turn into a member or staff viewer, and an expired one says so', async () => {
    const member = await issueAccessToken({ sub: 'm-1', kind: 'member' }, secret, { ttlSeconds: 60 });
    expect(await verifyAccessToken(member.token, secret)).toEqual({ kind: 'member', memberId: 'm-1' });
    const staff = await issueAccessToken({ sub: 's-1', kind: 'staff', scope: 'members:read orders:read' }, secret, { ttlSeconds: 60 });
    expect(await verifyAccessToken(staff.token, secret)).toEqual({ kind: 'staff', staffId: 's-1', scopes: ['members:read', 'orders:read'] });
    const expired = await issueAccessToken({ sub: 'm-1', kind: 'member' }, secret, { ttlSeconds: 60, now: new Date(Date.now() - 3_600_000) });
    expect(await verifyAccessToken(expired.token, secret)).toEqual({ problem: 'expired' });
    expect(await verifyAccessToken(member.token, 'another-secret-that-is-long-enough-01234')).toEqual({ problem: 'invalid' });
  });
});
