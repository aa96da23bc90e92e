import type { IncomingMessage } from 'node:http';
import { HttpError } from '@membership/subgraph';
import { verifySignedIn, type Viewer } from '@membership/viewer';
import { API_KEY_HEADER, type PartnerDirectory } from './partners.js';
import type { SessionCheck } from './sessions.js';

/** What a person is told when their token's session has ended, by why. */
const ENDED: Record<string, string> = {
  'signed-out': 'This session has ended (signed out, or the password was changed). Sign in again.',
  erased: 'This account has been erased.',
  banned: 'This account is banned. Sign in to see until when.',
  disabled: 'This staff account is disabled. Ask an admin.',
  changed: 'Your roles or password changed since this token was issued. Sign in again.',
};

/**
 * Establishes who is calling: a partner from its API key (x-api-key), members and staff from
 * the Authorization header. No header: anonymous.
 * A header with a bad or expired token is refused outright (401) rather than
 * silently downgraded, so a client learns to refresh its token. With a session check (every
 * gateway over identity), a token must name its session and the session must still hold:
 * logout, a password change, erasure, a ban, or a staff account disabled or changed ends it.
 */
export async function viewerFromRequest(
  req: IncomingMessage,
  jwtSecret: string,
  sessions: SessionCheck | null,
  requestId: string,
  partners?: PartnerDirectory,
): Promise<Viewer> {
  const header = req.headers.authorization;
  const apiKey = req.headers[API_KEY_HEADER];
  if (apiKey !== undefined) {
    if (header) throw new HttpError(400, `Send either an access token or an API key (${API_KEY_HEADER}), not both.`, 'BAD_REQUEST');
    if (typeof apiKey !== 'string' || !partners) throw new HttpError(401, 'This API key is not valid.', 'UNAUTHENTICATED');
    return partners.admit(apiKey);
  }
  if (!header) return { kind: 'anonymous' };
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match?.[1]) throw new HttpError(401, 'The Authorization header must be "Bearer <access token>".', 'UNAUTHENTICATED');
  const result = await verifySignedIn(match[1], jwtSecret);
  if ('problem' in result) {
    throw new HttpError(
      401,
      result.problem === 'expired' ? 'Your access token has expired. Sign in again.' : 'Your access token is not valid. Sign in again.',
      'UNAUTHENTICATED',
    );
  }
  if (!sessions) return result.viewer;
  const { session } = result;
  if (!session) throw new HttpError(401, 'Your access token is not valid. Sign in again.', 'UNAUTHENTICATED');
  const answer = await sessions.check({ ...result, session }, requestId);
  if ('unavailable' in answer)
    throw new HttpError(503, 'Your session cannot be checked right now. Try again in a moment.', 'SERVICE_UNAVAILABLE');
  if (!answer.holds) throw new HttpError(401, ENDED[answer.reason] ?? 'Your access token is not valid. Sign in again.', 'UNAUTHENTICATED');
  return result.viewer;
}
