import type { Viewer } from '@membership/viewer';

/**
 * Whose member-owned records (verifications, exports, erasure requests, consents, inbox,
 * PII access log, profile corrections) a store may read: a member only their own, staff
 * everyone's (which staff reach which field is the field rules' decision, permissions.ts),
 * jobs and event handlers everyone's, anyone else nobody's. Stores apply it to every read
 * of those records, so someone else's row is simply not there.
 *
 * Member accounts themselves are not scoped: sign-in and registration look members up
 * before anyone is known, and the Member entity resolves for any caller the field rules
 * let through.
 */
export type MemberDataScope = { kind: 'all' } | { kind: 'member'; memberId: string } | { kind: 'none' };

/** Jobs, commands, seeding and event handlers: every member's records. */
export const ALL_MEMBERS: MemberDataScope = { kind: 'all' };

export function memberDataScopeFor(viewer: Viewer): MemberDataScope {
  if (viewer.kind === 'member') return { kind: 'member', memberId: viewer.memberId };
  if (viewer.kind === 'staff') return ALL_MEMBERS;
  return { kind: 'none' };
}
