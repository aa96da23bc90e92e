import { randomUUID } from 'node:crypto';
import { DomainError, conflict, type PublicErrorCode } from '@membership/domain';
import { VIEWER_HEADER, type ViewerSigner } from '@membership/viewer';
import type { PointsHoldGrant, PointsHolds, PointsHoldRequest } from './domain/checkout.js';

const HOLD = /* GraphQL */ `
  mutation HoldPointsForOrder($input: HoldPointsForOrderInput!) {
    holdPointsForOrder(input: $input) {
      id
      points
      discountAmount
      expiresAt
    }
  }
`;

/** Points' refusals a member can act on, passed on with points' message; the rest are "points unavailable". */
const PASSED_ON: Record<string, PublicErrorCode> = {
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  FORBIDDEN: 'FORBIDDEN',
  CONFLICT: 'CONFLICT',
  INSUFFICIENT_POINTS: 'CONFLICT',
};

/**
 * Calls points' internal holdPointsForOrder directly (not through the gateway), signed with
 * orders' own key for points only. `url` is read per call, so a host that learns where
 * points listens after orders was built (tests on random ports) is followed.
 */
export function createPointsClient(signer: ViewerSigner, url: () => string, timeoutMs: number): PointsHolds {
  return {
    async hold(request: PointsHoldRequest): Promise<PointsHoldGrant> {
      const body = { query: HOLD, variables: { input: request } };
      const header = await signer.sign(
        { kind: 'service', service: signer.service },
        { audience: 'points', body, requestId: `hold-${randomUUID()}` },
      );
      let response: Response;
      try {
        response = await fetch(url(), {
          method: 'POST',
          headers: { 'content-type': 'application/json', [VIEWER_HEADER]: header },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch {
        throw unavailable();
      }
      const json = (await response.json().catch(() => ({}))) as {
        data?: { holdPointsForOrder?: { id: string; points: number; discountAmount: number; expiresAt: string } | null };
        errors?: { message: string; extensions?: { code?: string; field?: string } }[];
      };
      const hold = json.data?.holdPointsForOrder;
      if (hold) return { id: hold.id, points: hold.points, discountAmount: hold.discountAmount, expiresAt: new Date(hold.expiresAt) };
      const error = json.errors?.[0];
      const code = error?.extensions?.code ? PASSED_ON[error.extensions.code] : undefined;
      if (error && code) throw new DomainError(code, `Points: ${error.message}`, 'pointsToUse', { pointsCode: error.extensions?.code });
      throw unavailable();
    },
  };
}

const unavailable = () =>
  conflict('Points cannot be used right now, so the order was not placed. Try again shortly, or order without points.', 'pointsToUse');
