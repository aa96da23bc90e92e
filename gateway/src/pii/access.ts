import type { Viewer } from '@membership/viewer';

/** How much of a PII value a viewer may see, or why not. */
export type PiiAccess =
  | { level: 'owner' }
  | { level: 'full' }
  | { level: 'masked' }
  | { level: 'denied'; reason: string };

export interface AccessPolicy {
  /** Purposes staff may state in `x-access-purpose`. */
  purposes: readonly string[];
  /** Whether the member consented to share `category` with the partner (the partner issue fills this). */
  partnerConsent(partnerId: string, ownerId: string, category: string): boolean;
}

/** Until partner consent exists, partners see no PII. */
export const NO_PARTNER_CONSENT = () => false;

/**
 * Whether `decideAccess` for this viewer can depend on whose value it is: for members
 * (their own or not) and partners (the member's consent) it does; for staff (scope and
 * purpose) and everyone else it does not. Guarded execution asks graphql-shield once per
 * field, and per owner only where this says so.
 */
export const ownerDecides = (viewer: Viewer) => viewer.kind === 'member' || viewer.kind === 'partner';

/**
 * Whether the PII layer needs each value's owner id for this viewer: to decide (members,
 * partners) or to name whose data was read in the access log (staff). For anyone else
 * `decideAccess` denies whoever the owner is, so the planner does not fetch it. Should a
 * viewer kind whose access does depend on the owner be left out of this list, it meets
 * every value with an unknown owner, which `decideAccess` denies: it fails closed.
 */
export const ownerNeeded = (viewer: Viewer) => ownerDecides(viewer) || viewer.kind === 'staff';

/**
 * The rule for one PII value: its owner sees it in full; staff with
 * `pii:<category>:read` in full or `pii:<category>:masked` masked, and only with a stated
 * purpose; a partner when its agreement covers the category and the member consented;
 * nobody else.
 */
export function decideAccess(viewer: Viewer, category: string, ownerId: unknown, policy: AccessPolicy): PiiAccess {
  const cat = category.toLowerCase();
  switch (viewer.kind) {
    case 'member':
      return typeof ownerId === 'string' && ownerId === viewer.memberId
        ? { level: 'owner' }
        : { level: 'denied', reason: 'You can only read your own personal data.' };
    case 'staff': {
      const full = viewer.scopes.includes(`pii:${cat}:read`);
      const masked = viewer.scopes.includes(`pii:${cat}:masked`);
      if (!full && !masked) return { level: 'denied', reason: `Reading ${category} data needs the pii:${cat}:read or pii:${cat}:masked scope.` };
      if (!viewer.purpose) {
        return { level: 'denied', reason: `State why you need personal data: send the x-access-purpose header (${policy.purposes.join(', ')}).` };
      }
      if (!policy.purposes.includes(viewer.purpose)) {
        return { level: 'denied', reason: `"${viewer.purpose}" is not an accepted purpose; use one of ${policy.purposes.join(', ')}.` };
      }
      return { level: full ? 'full' : 'masked' };
    }
    case 'partner':
      // Both must hold: the agreement covers the category, and the member consented to it.
      if (!(viewer.categories ?? []).includes(category))
        return { level: 'denied', reason: `Your data-sharing agreement does not cover ${category} data.` };
      return typeof ownerId === 'string' && policy.partnerConsent(viewer.partnerId, ownerId, category)
        ? { level: 'full' }
        : { level: 'denied', reason: `The member has not consented to share ${category} data with you.` };
    default:
      return { level: 'denied', reason: 'Sign in to read personal data.' };
  }
}
