import type { IncomingMessage } from 'node:http';
import { HttpError } from '@membership/subgraph';
import { verifyAccessToken, type Viewer } from '@membership/viewer';
import { API_KEY_HEADER, type PartnerDirectory } from './partners.js';

/**
 * Establishes who is calling: a partner from its API key (x-api-key), members and staff from
 * the Authorization header. No header: anonymous.
 * A header with a bad or expired token is refused outright (401) rather than
 * silently downgraded, so a client learns to refresh its token.
 */
export async function viewerFromRequest(req: IncomingMessage, jwtSecret: string, partners?: PartnerDirectory): Promise<Viewer> {
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
