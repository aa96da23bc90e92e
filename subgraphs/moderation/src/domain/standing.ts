import type { SanctionKind } from '@membership/events';

// The kinds are part of the event contract (SanctionApplied carries one), so they are
// declared there, mildest first, and re-exported for moderation's own code.
export { SANCTION_KINDS, type SanctionKind } from '@membership/events';

/** Where a sanction is in its life: scheduled to start, in force, or lifted early. */
export const SANCTION_STATUSES = ['SCHEDULED', 'ACTIVE', 'LIFTED'] as const;
export type SanctionStatus = (typeof SANCTION_STATUSES)[number];

export type StandingStatus = 'GOOD' | 'WARNED' | 'RESTRICTED' | 'BANNED';

/** What the standing rule needs to know about a sanction. */
export interface SanctionTerm {
  kind: SanctionKind;
  startsAt: Date;
  /** Absent: in force until lifted. */
  endsAt: Date | null;
}

export interface Standing<S extends SanctionTerm> {
  status: StandingStatus;
  /** The sanctions in force at the moment asked about, most severe first. */
  activeSanctions: S[];
}

const SEVERITY: Record<SanctionKind, number> = { WARNING: 1, RESTRICTED_BENEFITS: 2, DOWNGRADE: 3, BAN: 4 };

const STATUS_OF: Record<SanctionKind, StandingStatus> = {
  WARNING: 'WARNED',
  RESTRICTED_BENEFITS: 'RESTRICTED',
  DOWNGRADE: 'RESTRICTED',
  BAN: 'BANNED',
};

/** In force at `now`: started, and not yet ended (the end instant itself is already over). */
export function isInForce(sanction: SanctionTerm, now: Date): boolean {
  return sanction.startsAt.getTime() <= now.getTime() && (sanction.endsAt === null || sanction.endsAt.getTime() > now.getTime());
}

/**
 * A member's standing at `now` from their unlifted sanctions: the most severe one in
 * force decides. Sanctions that have not started or have ended are ignored.
 */
export function standingFrom<S extends SanctionTerm>(sanctions: readonly S[], now: Date): Standing<S> {
  const active = sanctions
    .filter((s) => isInForce(s, now))
    .sort((a, b) => SEVERITY[b.kind] - SEVERITY[a.kind] || a.startsAt.getTime() - b.startsAt.getTime());
  const worst = active[0];
  return { status: worst ? STATUS_OF[worst.kind] : 'GOOD', activeSanctions: active };
}
