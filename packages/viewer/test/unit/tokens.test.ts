/** Access tokens, with no servers: the HMAC key is imported once per secret, so keys must never cross secrets. */
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { issueAccessToken, verifyAccessToken } from '../../src/index.js';

const SECRET_A = 'tokens-test-secret-a-0123456789abcdef0123';
const SECRET_B = 'tokens-test-secret-b-0123456789abcdef0123';

describe('access tokens', () => {
  it('verify with the secret that signed them, and are refused under any other, in either order', async () => {
    const { token } = await issueAccessToken({ sub: 'm-ana', kind: 'member' }, SECRET_A, { ttlSeconds: 60 });
    expect(await verifyAccessToken(token, SECRET_B)).toEqual({ problem: 'invalid' });
    expect(await verifyAccessToken(token, SECRET_A)).toEqual({ kind: 'member', memberId: 'm-ana' });
    expect(await verifyAccessToken(token, SECRET_B)).toEqual({ problem: 'invalid' });
    const staff = await issueAccessToken({ sub: 's-1', kind: 'staff', scope: 'members:read audit:read' }, SECRET_B, { ttlSeconds: 60 });
    expect(await verifyAccessToken(staff.token, SECRET_B)).toEqual({
      kind: 'staff',
      staffId: 's-1',
      scopes: ['members:read', 'audit:read'],
    });
    expect(await verifyAccessToken(staff.token, SECRET_A)).toEqual({ problem: 'invalid' });
  });

  it('an expired token says so', async () => {
    const { token } = await issueAccessToken({ sub: 'm-ana', kind: 'member' }, SECRET_A, {
      ttlSeconds: 60,
      now: new Date(Date.now() - 3_600_000),
    });
    expect(await verifyAccessToken(token, SECRET_A)).toEqual({ problem: 'expired' });
  });

  it('a token signed with the right secret but without an expiry is refused: it would be good forever', async () => {
    const forever = await new SignJWT({ kind: 'staff', scope: 'members:read' })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject('s-1')
      .setIssuer('membership-identity')
      .setAudience('membership-graph')
      .setIssuedAt()
      .sign(new TextEncoder().encode(SECRET_A));
    expect(await verifyAccessToken(forever, SECRET_A)).toEqual({ problem: 'invalid' });
  });
});
