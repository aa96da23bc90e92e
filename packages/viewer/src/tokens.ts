import { SignJWT, jwtVerify, errors } from 'jose';
import type { Viewer } from './index.js';

const ISSUER = 'membership-identity';
const AUDIENCE = 'membership-graph';

export interface AccessTokenClaims {
  /** member id or staff id */
  sub: string;
  kind: 'member' | 'staff';
  /** staff scopes, space separated */
  scope?: string;
}

const key = (secret: string) => new TextEncoder().encode(secret);

/** Issues a short-lived access token (HS256 JWT). */
export async function issueAccessToken(
  claims: AccessTokenClaims,
  secret: string,
  options: { ttlSeconds: number; now?: Date },
): Promise<{ token: string; expiresAt: Date }> {
  const iat = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const exp = iat + options.ttlSeconds;
  const token = await new SignJWT({ kind: claims.kind, ...(claims.scope ? { scope: claims.scope } : {}) })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.sub)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .sign(key(secret));
  return { token, expiresAt: new Date(exp * 1000) };
}

export type TokenProblem = 'expired' | 'invalid';

/** Verifies an access token and turns it into a viewer, or says why it is refused. */
export async function verifyAccessToken(token: string, secret: string): Promise<Viewer | { problem: TokenProblem }> {
  try {
    const { payload } = await jwtVerify(token, key(secret), { issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'] });
    if (typeof payload.sub !== 'string') return { problem: 'invalid' };
    if (payload.kind === 'member') return { kind: 'member', memberId: payload.sub };
    if (payload.kind === 'staff') {
      const scopes = typeof payload.scope === 'string' ? payload.scope.split(' ').filter(Boolean) : [];
      return { kind: 'staff', staffId: payload.sub, scopes };
    }
    return { problem: 'invalid' };
  } catch (error) {
    return { problem: error instanceof errors.JWTExpired ? 'expired' : 'invalid' };
  }
}
