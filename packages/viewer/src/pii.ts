/**
 * The PII category rule, in one place for every process that applies it: the gateway for
 * every marked field of the supergraph, and identity for its own marked fields (defence in
 * depth). Who may see a value, in full or masked, and how a value is masked.
 */
import type { Viewer } from './index.js';

/** How a PII value is masked for staff with a `pii:<category>:masked` scope. */
export type PiiMask = 'PHONE' | 'EMAIL' | 'ID_NUMBER' | 'NAME' | 'REDACT';

/** How much of a PII value a viewer may see, or why not. */
export type PiiAccess = { level: 'owner' } | { level: 'full' } | { level: 'masked' } | { level: 'denied'; reason: string };

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
      if (!full && !masked)
        return { level: 'denied', reason: `Reading ${category} data needs the pii:${cat}:read or pii:${cat}:masked scope.` };
      if (!viewer.purpose) {
        return {
          level: 'denied',
          reason: `State why you need personal data: send the x-access-purpose header (${policy.purposes.join(', ')}).`,
        };
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

const stars = (n: number) => '*'.repeat(Math.max(1, n));

/** `+8613812345678` → `138****5678`: the national number's first 3 and last 4 digits. */
function maskPhone(value: string): string {
  // Already masked (identity masks for masked-scope staff before the gateway does): as it is.
  if (/^\d{3}\*+\d{4}$/.test(value)) return value;
  const digits = value.replace(/\D/g, '');
  const national = value.startsWith('+86') ? digits.slice(2) : digits;
  if (national.length <= 7) return stars(national.length);
  return `${national.slice(0, 3)}${stars(national.length - 7)}${national.slice(-4)}`;
}

/** `zhang@example.com` → `z***@example.com`. */
function maskEmail(value: string): string {
  const at = value.lastIndexOf('@');
  if (at < 1) return stars(3);
  return `${value[0]}***${value.slice(at)}`;
}

/** ID numbers keep their first 3 and last 4 characters. */
function maskIdNumber(value: string): string {
  if (value.length <= 7) return stars(value.length);
  return `${value.slice(0, 3)}${stars(value.length - 7)}${value.slice(-4)}`;
}

/** Names keep their first character: `张三丰` → `张**`. */
function maskName(value: string): string {
  const chars = [...value];
  return `${chars[0] ?? ''}${stars(chars.length - 1)}`;
}

/** Masks a PII value (or each value of a list) the way its mark says. */
export function maskValue(mask: PiiMask, value: unknown): unknown {
  if (value === null || value === undefined) return value;
  if (Array.isArray(value)) return value.map((v) => maskValue(mask, v));
  if (typeof value !== 'string') return null;
  switch (mask) {
    case 'PHONE':
      return maskPhone(value);
    case 'EMAIL':
      return maskEmail(value);
    case 'ID_NUMBER':
      return maskIdNumber(value);
    case 'NAME':
      return maskName(value);
    case 'REDACT':
      return stars(8);
  }
}
