import { badInput } from '@membership/domain';
import type { MemberTier, TierChange } from './tiers.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The member id an export asks for; members' ids are UUIDs, anything else is refused. */
export function exportMemberId(raw: string): string {
  if (!UUID.test(raw)) throw badInput(`"${raw}" is not a member id.`, 'memberId');
  return raw;
}

/** What tiers holds about one member, as it goes into their data export. */
export interface TiersExport {
  subgraph: 'tiers';
  memberId: string;
  exportedAt: string;
  /** Null when the member has no place on the ladder. */
  tier: { code: string; name: string; since: string; qualifyingSpend: { amount: number; currency: string } } | null;
  /** Every change of tier, oldest first. */
  history: { from: string | null; to: string; reason: string; at: string }[];
}

/** The member's tier and tier history in plain JSON values (ISO timestamps, money in minor units). */
export function tiersExport(
  memberId: string,
  held: { current: MemberTier | undefined; changes: readonly TierChange[] },
  at: Date,
): TiersExport {
  const { current } = held;
  return {
    subgraph: 'tiers',
    memberId,
    exportedAt: at.toISOString(),
    tier: current
      ? {
          code: current.tier.code,
          name: current.tier.name,
          since: current.since.toISOString(),
          qualifyingSpend: { amount: current.qualifyingSpend, currency: current.tier.currency },
        }
      : null,
    history: held.changes.map((c) => ({ from: c.from, to: c.to, reason: c.reason, at: c.at.toISOString() })),
  };
}
