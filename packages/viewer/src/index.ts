import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Who is calling, as the gateway established it. Subgraphs never see tokens or API
 * keys, only this, signed by the gateway.
 */
export type Viewer =
  | { kind: 'anonymous' }
  | { kind: 'member'; memberId: string }
  | { kind: 'staff'; staffId: string; scopes: string[]; purpose?: string }
  | { kind: 'partner'; partnerId: string }
  /** A server calling another server for itself (e.g. the gateway writing the access log). */
  | { kind: 'service'; service: string };

/** The header that carries the signed viewer from the gateway to subgraphs. */
export const VIEWER_HEADER = 'x-membership-viewer';

/** How long a signed viewer stays valid: long enough for one request's fan-out, no more. */
export const DEFAULT_VIEWER_TTL_SECONDS = 60;

interface SignedPayload {
  v: Viewer;
  /** Request id, so subgraph logs line up with the gateway's. */
  rid: string;
  iat: number;
  exp: number;
}

export interface VerifiedViewer {
  viewer: Viewer;
  requestId: string;
}

const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64url');

function mac(secret: string, body: string): Buffer {
  return createHmac('sha256', secret).update(body).digest();
}

/** Signs `viewer` for forwarding: `<base64url json>.<base64url hmac-sha256>`. */
export function signViewer(
  viewer: Viewer,
  secret: string,
  options: { requestId: string; now?: number; ttlSeconds?: number },
): string {
  const iat = Math.floor((options.now ?? Date.now()) / 1000);
  const payload: SignedPayload = {
    v: viewer,
    rid: options.requestId,
    iat,
    exp: iat + (options.ttlSeconds ?? DEFAULT_VIEWER_TTL_SECONDS),
  };
  const body = b64(JSON.stringify(payload));
  return `${body}.${b64(mac(secret, body))}`;
}

/** Why a forwarded viewer was refused; subgraphs answer 401 for each. */
export type ViewerRejection = 'missing' | 'malformed' | 'bad-signature' | 'expired';

/**
 * Verifies a header produced by {@link signViewer}. Returns the viewer, or the reason
 * it was refused. Comparison is constant-time.
 */
export function verifyViewer(
  header: string | undefined | null,
  secret: string,
  now: number = Date.now(),
): VerifiedViewer | { rejected: ViewerRejection } {
  if (!header) return { rejected: 'missing' };
  const [body, signature, extra] = header.split('.');
  if (!body || !signature || extra !== undefined) return { rejected: 'malformed' };
  const expected = mac(secret, body);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { rejected: 'bad-signature' };
  let payload: SignedPayload;
  try {
    payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as SignedPayload;
  } catch {
    return { rejected: 'malformed' };
  }
  if (typeof payload.exp !== 'number' || payload.exp * 1000 < now) return { rejected: 'expired' };
  return { viewer: payload.v, requestId: payload.rid };
}

/** True when the viewer is staff holding `scope`. */
export function hasScope(viewer: Viewer, scope: string): boolean {
  return viewer.kind === 'staff' && viewer.scopes.includes(scope);
}

/** The member id when the viewer is a member, otherwise undefined. */
export function memberIdOf(viewer: Viewer): string | undefined {
  return viewer.kind === 'member' ? viewer.memberId : undefined;
}
export * from './tokens.js';
