import { webcrypto } from 'node:crypto';
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
  /**
   * The session the token belongs to: a member's sign-in (refresh-token family) or a staff
   * account's session version. The gateway asks identity whether it still holds, so a token
   * stops working soon after logout, a password change, erasure, a ban, or a staff change.
   */
  sid?: string;
}

const keys = new Map<string, Promise<webcrypto.CryptoKey>>();
/**
 * The HMAC key for `secret`, imported once per secret: given raw bytes, jose imports a
 * key on every sign and verify, which was ~0.1 ms of every gateway request.
 */
function key(secret: string): Promise<webcrypto.CryptoKey> {
  let imported = keys.get(secret);
  if (!imported) {
    imported = webcrypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [
      'sign',
      'verify',
    ]);
    keys.set(secret, imported);
  }
  return imported;
}

/** Issues a short-lived access token (HS256 JWT). */
export async function issueAccessToken(
  claims: AccessTokenClaims,
  secret: string,
  options: { ttlSeconds: number; now?: Date },
): Promise<{ token: string; expiresAt: Date }> {
  const iat = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const exp = iat + options.ttlSeconds;
  const token = await new SignJWT({
    kind: claims.kind,
    ...(claims.scope ? { scope: claims.scope } : {}),
    ...(claims.sid ? { sid: claims.sid } : {}),
  })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.sub)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .sign(await key(secret));
  return { token, expiresAt: new Date(exp * 1000) };
}

export type TokenProblem = 'expired' | 'invalid';

/** Verifies an access token and turns it into a viewer, or says why it is refused. */
export async function verifyAccessToken(token: string, secret: string): Promise<Viewer | { problem: TokenProblem }> {
  const result = await verifySignedIn(token, secret);
  return 'problem' in result ? result : result.viewer;
}

/** A verified access token: who, and the session it belongs to (null when it names none). */
export interface SignedInToken {
  viewer: Extract<Viewer, { kind: 'member' | 'staff' }>;
  session: string | null;
}

/** Like {@link verifyAccessToken}, with the token's session claim (`sid`) for the session check. */
export async function verifySignedIn(token: string, secret: string): Promise<SignedInToken | { problem: TokenProblem }> {
  try {
    // jose checks `exp` only when present; a token without one would be good forever.
    const { payload } = await jwtVerify(token, await key(secret), {
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: ['HS256'],
      requiredClaims: ['exp'],
    });
    if (typeof payload.sub !== 'string') return { problem: 'invalid' };
    const session = typeof payload.sid === 'string' && payload.sid ? payload.sid : null;
    if (payload.kind === 'member') return { viewer: { kind: 'member', memberId: payload.sub }, session };
    if (payload.kind === 'staff') {
      const scopes = typeof payload.scope === 'string' ? payload.scope.split(' ').filter(Boolean) : [];
      return { viewer: { kind: 'staff', staffId: payload.sub, scopes }, session };
    }
    return { problem: 'invalid' };
  } catch (error) {
    return { problem: error instanceof errors.JWTExpired ? 'expired' : 'invalid' };
  }
}
