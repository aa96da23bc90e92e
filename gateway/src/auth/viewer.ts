import type { IncomingMessage } from 'node:http';
import { HttpError } from '@membership/subgraph';
import { verifyAccessToken, type Viewer } from '@membership/viewer';

/**
 * Establishes who is calling from the Authorization header. No header: anonymous.
 * A header with a bad or expired token is refused outright (401) rather than
 * silently downgraded, so a client learns to refresh its token.
 */
export async function viewerFromRequest(req: IncomingMessage, jwtSecret: string): Promise<Viewer> {
  const header = req.headers.authorization;
  if (!header) return { kind: 'anonymous' };
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match?.[1]) throw new HttpError(401, 'The Authorization header must be "Bearer <access token>".', 'UNAUTHENTICATED');
  const result = await verifyAccessToken(match[1], jwtSecret);
  if ('problem' in result) {
    throw new HttpError(
      401,
      result.problem === 'expired' ? 'Your access token has expired. Sign in again.' : 'Your access token is not valid. Sign in again.',
      'UNAUTHENTICATED',
    );
  }
  return result;
}
