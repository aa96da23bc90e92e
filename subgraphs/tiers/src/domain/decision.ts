import type { TierChangeReason, TierCode } from '@membership/events';
import { rankOf, tierAtRank, type RuleVersion } from './rules.js';

/** What tiers holds about a member's place on the ladder, beyond the evaluation. */
export interface Standing {
  tier: TierCode;
  /** The tier held when the first DOWNGRADE sanction in force took effect; restored when the last is lifted. */
  tierBeforeSanction: TierCode | null;
  /** A downgrade announced to the member: when it applies (the grace period's end) and to which tier. */
  downgradeDueAt: Date | null;
  downgradeTo: TierCode | null;
  /** An upgrade that a refund of its orders may still reverse, until the orders' return windows end. */
  provisionalUntil: Date | null;
  /** The tier held before that provisional upgrade. */
  provisionalFrom: TierCode | null;
}

/** The sanctions in force for the member, as tiers counts them. */
export interface SanctionsInForce {
  /** DOWNGRADE sanctions in force: each lowers the tier by one rank. */
  downgrades: number;
  /** A sanction other than WARNING is in force: no upgrade until it is lifted. */
  blocksUpgrades: boolean;
}

/** What set off the decision: an event about the member, or the periodic re-evaluation. */
export type Trigger = 'qualifying_spend' | 'refund' | 'activity' | 'sanction' | 'sanction_lifted' | 'reevaluation' | 'demo_data';

export interface DecisionInput {
  standing: Standing;
  /** The tier the member's evaluation earns. */
  earned: TierCode;
  sanctions: SanctionsInForce;
  trigger: Trigger;
  now: Date;
  /** Days a member keeps a tier their evaluation no longer reaches (config). */
  graceDays: number;
  /** For an order paid: when its return window ends, so an upgrade it causes stays reversible until then. */
  returnWindowEndsAt?: Date | null;
}

export interface Decision extends Standing {
  /** Set when the tier changes: the TierChanged reason. */
  reason: TierChangeReason | null;
  /** True when this decision announced a downgrade: the member gets a notice now. */
  downgradeAnnounced: boolean;
}

const DAY_MS = 86_400_000;
const later = (a: Date | null, b: Date | null): Date | null => (a && b ? (a > b ? a : b) : (a ?? b));

/**
 * Where a member stands after an event or the periodic evaluation.
 *
 * - DOWNGRADE sanctions in force put the member one rank below the tier they held when the
 *   first took effect, per sanction; lifting the last restores that tier.
 * - Upgrades apply at once, unless a sanction other than WARNING is in force.
 * - Downgrades happen only in the periodic evaluation: the first evaluation that finds the
 *   member below their tier announces the downgrade (a notice) for the end of the grace
 *   period; the evaluation after that date applies it, to what the member then earns.
 *   Reaching the tier again before then cancels it.
 * - An upgrade caused by a paid order stays reversible until the order's return window
 *   ends: a refund in that time that takes the member below the tier reverses it at once.
 */
export function decide(input: DecisionInput, rules: Pick<RuleVersion, 'requirements'>): Decision {
  const { standing, sanctions, now } = input;
  const rank = (code: TierCode) => rankOf(code, rules);
  const noSchedule = { downgradeDueAt: null, downgradeTo: null };
  const changed = (tier: TierCode, reason: TierChangeReason) => (tier === standing.tier ? null : reason);

  if (sanctions.downgrades > 0) {
    const before = standing.tierBeforeSanction ?? standing.tier;
    const tier = tierAtRank(Math.max(1, rank(before) - sanctions.downgrades), rules);
    return {
      tier,
      tierBeforeSanction: before,
      ...noSchedule,
      provisionalUntil: null,
      provisionalFrom: null,
      reason: changed(tier, 'sanction'),
      downgradeAnnounced: false,
    };
  }

  // Lifting the last DOWNGRADE restores the tier held before it; the rules below then apply to that tier.
  const restored = standing.tierBeforeSanction;
  const held = restored ?? standing.tier;
  const baseReason: TierChangeReason | null = restored ? 'sanction_lifted' : null;
  const stillProvisional =
    standing.provisionalUntil && standing.provisionalUntil > now ? standing : { provisionalUntil: null, provisionalFrom: null };
  const keep = {
    tierBeforeSanction: null,
    provisionalUntil: stillProvisional.provisionalUntil,
    provisionalFrom: stillProvisional.provisionalFrom,
  };
  const upgradeReason: TierChangeReason = baseReason ?? (input.trigger === 'sanction' ? 'reevaluation' : input.trigger);

  if (rank(input.earned) > rank(held)) {
    if (sanctions.blocksUpgrades) {
      return { tier: held, ...keep, ...noSchedule, reason: baseReason && changed(held, baseReason), downgradeAnnounced: false };
    }
    const window =
      input.trigger === 'qualifying_spend' && input.returnWindowEndsAt && input.returnWindowEndsAt > now ? input.returnWindowEndsAt : null;
    return {
      tier: input.earned,
      tierBeforeSanction: null,
      ...noSchedule,
      provisionalUntil: window ? later(keep.provisionalUntil, window) : keep.provisionalUntil,
      provisionalFrom: window || keep.provisionalUntil ? (keep.provisionalFrom ?? held) : null,
      reason: changed(input.earned, upgradeReason),
      downgradeAnnounced: false,
    };
  }

  if (rank(input.earned) === rank(held)) {
    return { tier: held, ...keep, ...noSchedule, reason: baseReason && changed(held, baseReason), downgradeAnnounced: false };
  }

  // Below the tier held.
  if (input.trigger === 'refund' && keep.provisionalUntil && keep.provisionalFrom) {
    const tier = rank(input.earned) > rank(keep.provisionalFrom) ? input.earned : keep.provisionalFrom;
    return {
      tier,
      tierBeforeSanction: null,
      ...noSchedule,
      provisionalUntil: null,
      provisionalFrom: null,
      reason: changed(tier, 'refund'),
      downgradeAnnounced: false,
    };
  }
  if (input.trigger !== 'reevaluation') {
    // Events never downgrade: the periodic evaluation announces it and waits out the grace period.
    return {
      tier: held,
      ...keep,
      downgradeDueAt: standing.downgradeDueAt,
      downgradeTo: standing.downgradeDueAt ? input.earned : null,
      reason: baseReason && changed(held, baseReason),
      downgradeAnnounced: false,
    };
  }
  if (!standing.downgradeDueAt) {
    return {
      tier: held,
      ...keep,
      downgradeDueAt: new Date(now.getTime() + input.graceDays * DAY_MS),
      downgradeTo: input.earned,
      reason: baseReason && changed(held, baseReason),
      downgradeAnnounced: true,
    };
  }
  if (standing.downgradeDueAt <= now) {
    return {
      tier: input.earned,
      tierBeforeSanction: null,
      ...noSchedule,
      provisionalUntil: null,
      provisionalFrom: null,
      reason: changed(input.earned, 'reevaluation'),
      downgradeAnnounced: false,
    };
  }
  return {
    tier: held,
    ...keep,
    downgradeDueAt: standing.downgradeDueAt,
    downgradeTo: input.earned,
    reason: baseReason && changed(held, baseReason),
    downgradeAnnounced: false,
  };
}
