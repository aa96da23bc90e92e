import type { TierChangeReason, TierCode } from '@membership/events';

// The codes are part of the event contract (TierChanged carries them), so they are
// declared there (TIER_CODES, lowest first) and re-exported for tiers' own code.
export type { TierCode } from '@membership/events';

/** Where every new member starts. */
export const ENTRY_TIER: TierCode = 'BRONZE';

/** A step on the ladder as shown to members. */
export interface TierDefinition {
  code: TierCode;
  rank: number;
  /** Qualifying spend that alone reaches the tier under rule version 1, in minor units. */
  minQualifyingSpend: number;
  name: string;
  currency: string;
  /** 100 is 1x. */
  pointsMultiplierPercent: number;
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
  { code: 'BRONZE', name: 'Bronze', rank: 1, minQualifyingSpend: 0, currency: 'CNY', pointsMultiplierPercent: 100, published: true },
  { code: 'SILVER', name: 'Silver', rank: 2, minQualifyingSpend: 100_000, currency: 'CNY', pointsMultiplierPercent: 125, published: true },
  { code: 'GOLD', name: 'Gold', rank: 3, minQualifyingSpend: 500_000, currency: 'CNY', pointsMultiplierPercent: 150, published: true },
  { code: 'PLATINUM', name: 'Platinum', rank: 4, minQualifyingSpend: 1_500_000, currency: 'CNY', pointsMultiplierPercent: 175, published: true },
  { code: 'DIAMOND', name: 'Diamond', rank: 5, minQualifyingSpend: 5_000_000, currency: 'CNY', pointsMultiplierPercent: 200, published: true },
];

/** The earning multiplier as clients show it: 150 percent is 1.5. */
export const pointsMultiplier = (percent: number): number => percent / 100;
