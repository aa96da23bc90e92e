import { createHash } from 'node:crypto';
import { SignJWT, decodeJwt, decodeProtectedHeader, importJWK, importPKCS8, importSPKI, jwtVerify, type CryptoKey, type JWK } from 'jose';
import type { Viewer } from './index.js';

/** The header that carries the signed viewer from the gateway (or a service) to a subgraph. */
export const VIEWER_HEADER = 'x-membership-viewer';

/**
 * How long a signed viewer stays valid: one subgraph call, with room for clocks a few
 * seconds apart. It is bound to one subgraph and one body besides, so this only bounds replay
 * of the very same call.
 */
export const DEFAULT_VIEWER_TTL_SECONDS = 30;

/** Seconds of clock difference between processes that verification tolerates. */
const CLOCK_TOLERANCE_SECONDS = 5;

/** The service whose key forwards callers (members, staff, partners) and not only itself. */
export const GATEWAY_SERVICE = 'gateway';

const ALG = 'EdDSA';

/** What a subgraph received and the signature must cover: the operation text, its name and variables. */
export interface ForwardedBody {
  query?: unknown;
  operationName?: unknown;
  variables?: unknown;
}

/**
 * sha256 of the operation as sent to a subgraph. Both sides hash the same JSON shape of the
 * same values (the gateway before it serialises the body, the subgraph after parsing it), so
 * the key order of the variables is the one on the wire.
 */
export function operationHash(body: ForwardedBody | undefined): string {
  const text = JSON.stringify([body?.query ?? null, body?.operationName ?? null, body?.variables ?? null]);
  return createHash('sha256').update(text).digest('base64url');
}

/** A key from the environment: PEM (PKCS8 or SPKI), or base64 of PEM or of a JWK. */
function keyText(value: string): { pem: string } | { jwk: JWK } {
  const trimmed = value.trim();
  if (trimmed.startsWith('-----BEGIN')) return { pem: trimmed };
  const decoded = Buffer.from(trimmed, 'base64').toString('utf8').trim();
  if (decoded.startsWith('-----BEGIN')) return { pem: decoded };
  return { jwk: JSON.parse(decoded) as JWK };
}

const imported = new Map<string, Promise<CryptoKey>>();
/**
 * The Ed25519 key in `value`, imported once per process: importing costs more than a
 * signature, and the gateway signs once per subgraph call.
 */
function importKey(value: string, use: 'private' | 'public'): Promise<CryptoKey> {
  const cacheKey = `${use}:${value}`;
  let key = imported.get(cacheKey);
  if (!key) {
    const text = keyText(value);
    key = (
      'pem' in text
        ? use === 'private'
          ? importPKCS8(text.pem, ALG)
          : importSPKI(text.pem, ALG)
        : importJWK(use === 'public' ? { kty: text.jwk.kty, crv: text.jwk.crv, x: text.jwk.x } : text.jwk, ALG)
    ) as Promise<CryptoKey>;
    // A bad key is refused by the env check first; never leave the rejection unobserved.
    key.catch(() => undefined);
    imported.set(cacheKey, key);
  }
  return key;
}

interface ForwardedClaims {
  v: Viewer;
  /** Request id, so subgraph logs line up with the caller's. */
  rid: string;
  /** {@link operationHash} of the body this header was sent with. */
  oph: string;
  /** The client's network address as the gateway saw it (rate limits by address). */
  adr?: string;
}

/** Signs viewers as one service: the gateway for its callers, identity for itself. */
export interface ViewerSigner {
  /** The service whose private key signs; subgraphs learn it from which public key verifies. */
  readonly service: string;
  /**
   * A header for one call: `viewer`, for the subgraph named `audience`, with `body` as it
   * will be sent. The header is refused anywhere else, with any other body, or after its TTL.
   */
  sign(
    viewer: Viewer,
    call: { audience: string; body: ForwardedBody; requestId: string; clientAddress?: string; now?: number; ttlSeconds?: number },
  ): Promise<string>;
}

/** A signer over the Ed25519 private key in `privateKey` (PEM, or base64 of PEM or JWK). */
export function viewerSigner(service: string, privateKey: string): ViewerSigner {
  const key = importKey(privateKey, 'private');
  return {
    service,
    async sign(viewer, call) {
      const iat = Math.floor((call.now ?? Date.now()) / 1000);
      const claims: ForwardedClaims = {
        v: viewer,
        rid: call.requestId,
        oph: operationHash(call.body),
        ...(call.clientAddress ? { adr: call.clientAddress } : {}),
      };
      return new SignJWT(claims as unknown as Record<string, unknown>)
        .setProtectedHeader({ alg: ALG, kid: service })
        .setAudience(call.audience)
        .setIssuedAt(iat)
        .setExpirationTime(iat + (call.ttlSeconds ?? DEFAULT_VIEWER_TTL_SECONDS))
        .sign(await key);
    },
  };
}

export interface VerifiedViewer {
  viewer: Viewer;
  requestId: string;
  /** The client's address, when the gateway forwarded a caller and said where from. */
  clientAddress?: string;
}

/** Why a forwarded viewer was refused; subgraphs answer 401 for each. */
export type ViewerRejection = 'missing' | 'malformed' | 'unknown-signer' | 'bad-signature' | 'wrong-audience' | 'wrong-body' | 'expired';

/** Checks forwarded viewers at one subgraph. */
export interface ViewerVerifier {
  verify(
    header: string | undefined | null,
    body: ForwardedBody | undefined,
    now?: number,
  ): Promise<VerifiedViewer | { rejected: ViewerRejection }>;
}

/**
 * A verifier for the subgraph named `audience` that trusts `trusted`: service name ->
 * Ed25519 public key. The gateway's key may forward any caller but no other service; any
 * other service's key only ever yields that service, whatever the header claims, so a
 * service is who its key says, never who its claims say.
 */
export function viewerVerifier(audience: string, trusted: Record<string, string>): ViewerVerifier {
  const keys = new Map(Object.entries(trusted).map(([service, publicKey]) => [service, importKey(publicKey, 'public')]));
  return {
    async verify(header, body, now = Date.now()) {
      if (!header) return { rejected: 'missing' };
      let service: string | undefined;
      try {
        service = decodeProtectedHeader(header).kid;
      } catch {
        return { rejected: 'malformed' };
      }
      const key = service === undefined ? undefined : keys.get(service);
      if (!key || service === undefined) return { rejected: 'unknown-signer' };
      let claims: ForwardedClaims & { aud?: unknown };
      try {
        const { payload } = await jwtVerify(header, await key, {
          algorithms: [ALG],
          requiredClaims: ['exp', 'iat', 'aud', 'oph', 'v'],
          maxTokenAge: DEFAULT_VIEWER_TTL_SECONDS + CLOCK_TOLERANCE_SECONDS,
          clockTolerance: CLOCK_TOLERANCE_SECONDS,
          currentDate: new Date(now),
        });
        claims = payload as unknown as ForwardedClaims & { aud?: unknown };
      } catch (error) {
        return { rejected: rejectionFor(error) };
      }
      if (claims.aud !== audience) return { rejected: 'wrong-audience' };
      if (claims.oph !== operationHash(body)) return { rejected: 'wrong-body' };
      if (service !== GATEWAY_SERVICE) return { viewer: { kind: 'service', service }, requestId: String(claims.rid) };
      if (claims.v.kind === 'service' && claims.v.service !== GATEWAY_SERVICE) return { rejected: 'unknown-signer' };
      return { viewer: claims.v, requestId: String(claims.rid), ...(typeof claims.adr === 'string' ? { clientAddress: claims.adr } : {}) };
    },
  };
}

function rejectionFor(error: unknown): ViewerRejection {
  const code = (error as { code?: string }).code;
  if (code === 'ERR_JWT_EXPIRED') return 'expired';
  if (code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED') return 'bad-signature';
  // exp or iat out of range (an iat in the future too): not valid now.
  if (code === 'ERR_JWT_CLAIM_VALIDATION_FAILED') return 'expired';
  return 'malformed';
}

/**
 * Who a signed header says is calling, without verifying it: for keys that must treat
 * requests of the same caller alike (in-flight dedupe) although every header differs.
 */
export function forwardedCaller(header: string | null | undefined): string {
  if (!header) return 'none';
  try {
    return JSON.stringify(decodeJwt(header).v ?? null);
  } catch {
    return header;
  }
}
