import type { TierChangeReason, TierCode } from '@membership/events';

// The codes are part of the event contract (TierChanged carries them), so they are
// declared there (TIER_CODES, lowest first) and re-exported for tiers' own code.
export type { TierCode } from '@membership/events';

/** Where every new member starts. */
export const ENTRY_TIER: TierCode = 'BRONZE';

/**
 * A step on the ladder: its name and rank. What it takes to reach is the rule version's
 * (`RuleVersion.requirements`), what it earns its benefits' (`SHIPPED_BENEFITS`, then
 * announced changes): neither is repeated here.
 */
export interface TierDefinition {
  code: TierCode;
  rank: number;
  name: string;
  /** The currency members' qualifying spend is kept in. */
  currency: string;
  published: boolean;
}

/** A member's place on the ladder. */
export interface MemberTier {
  tier: TierDefinition;
  since: Date;
  qualifyingSpend: number;
}

/** One tier change of a member, as tiers recorded it in its outbox. */
export interface TierChange {
  from: TierCode | null;
  to: TierCode;
  reason: TierChangeReason;
  at: Date;
}

/**
 * The ladder as shipped. The `tiers_reference_data` migration inserts the same rows (a
 * test compares them), and the seed re-inserts them when missing.
 */
export const TIER_LADDER: readonly TierDefinition[] = [
  { code: 'BRONZE', name: 'Bronze', rank: 1, currency: 'CNY', published: true },
  { code: 'SILVER', name: 'Silver', rank: 2, currency: 'CNY', published: true },
  { code: 'GOLD', name: 'Gold', rank: 3, currency: 'CNY', published: true },
  { code: 'PLATINUM', name: 'Platinum', rank: 4, currency: 'CNY', published: true },
  { code: 'DIAMOND', name: 'Diamond', rank: 5, currency: 'CNY', published: true },
];

/** The entry tier's multiplier: what a tier earns if it has no POINTS_MULTIPLIER benefit (none ships so, and it cannot be removed). */
export const BASE_MULTIPLIER_PERCENT = 100;

/** The earning multiplier as clients show it: 150 percent is 1.5. */
export const pointsMultiplier = (percent: number): number => percent / 100;

/**
 * The published threshold of a tier: the qualifying spend that alone reaches its score
 * under the rule version (score points × minor units per point), in the version's currency.
 */
export const minQualifyingSpend = (requirement: { minScore: number }, rules: { spendPerPoint: number }): number =>
  requirement.minScore * rules.spendPerPoint;
