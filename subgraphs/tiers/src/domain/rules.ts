import type { ActivityKind, SanctionKind, TierCode } from '@membership/events';

/**
 * What a tier takes under one rule version: a growth score and a credit score. The score
 * adds up spend, activity and loyalty; the credit score starts full and violations lower it.
 */
export interface TierRequirement {
  code: TierCode;
  rank: number;
  minScore: number;
  minCreditScore: number;
}

/**
 * One version of the evaluation rules: the window, the weights and each tier's
 * requirements. Versions are data (`tiers.rule_versions`, `tiers.tier_requirements`); the
 * version in force at a time is the highest whose `effectiveFrom` has come. Every
 * evaluation records the version it used.
 */
export interface RuleVersion {
  version: number;
  effectiveFrom: Date;
  /** Spend in other currencies does not count. */
  currency: string;
  /** The rolling window: spend, activity and violations older than this do not count. */
  windowDays: number;
  /** Minor units of qualifying spend per score point (100: one point per yuan). */
  spendPerPoint: number;
  /** Score points per activity of each kind. */
  activityWeights: Record<ActivityKind, number>;
  /** Score points per calendar month (UTC) with at least one paid order. */
  purchaseMonthWeight: number;
  /** Score points per paid order after the first in the window. */
  repeatPurchaseWeight: number;
  /** The credit score with no violation. */
  creditBase: number;
  /** Credit points each sanction applied in the window costs. */
  violationPenalties: Record<SanctionKind, number>;
  requirements: readonly TierRequirement[];
}

/**
 * The rules as shipped. The `tiers_rules_v1` migration inserts the same rows (a test
 * compares); a threshold on spend alone matches the published ladder's minQualifyingSpend.
 */
export const RULES_V1: RuleVersion = {
  version: 1,
  effectiveFrom: new Date('2000-01-01T00:00:00.000Z'),
  currency: 'CNY',
  windowDays: 365,
  spendPerPoint: 100,
  activityWeights: { check_in: 1, activity: 20, review: 10, share: 5 },
  purchaseMonthWeight: 50,
  repeatPurchaseWeight: 20,
  creditBase: 100,
  violationPenalties: { WARNING: 5, RESTRICTED_BENEFITS: 20, DOWNGRADE: 30, BAN: 50 },
  requirements: [
    { code: 'BRONZE', rank: 1, minScore: 0, minCreditScore: 0 },
    { code: 'SILVER', rank: 2, minScore: 1_000, minCreditScore: 60 },
    { code: 'GOLD', rank: 3, minScore: 5_000, minCreditScore: 70 },
    { code: 'PLATINUM', rank: 4, minScore: 15_000, minCreditScore: 80 },
    { code: 'DIAMOND', rank: 5, minScore: 50_000, minCreditScore: 90 },
  ],
};

/** What an evaluation counts for one member, as of one moment, inside the rule version's window. */
export interface EvaluationInputs {
  /** Paid orders in the ladder's currency, net of their refunds, in minor units (never below 0 per order). */
  qualifyingSpend: number;
  /** Paid orders in the window. */
  purchases: number;
  /** Calendar months (UTC) in the window with at least one paid order. */
  monthsWithPurchase: number;
  activity: Record<ActivityKind, number>;
  /** Sanctions applied in the window, of any kind. */
  violations: number;
  /** The credit points those sanctions cost under the rule version. */
  violationPenalty: number;
}

/** An evaluation: the inputs, the score they make under a rule version, and the tier that score earns. */
export interface Evaluation {
  ruleVersion: number;
  evaluatedAt: Date;
  windowStart: Date;
  inputs: EvaluationInputs;
  score: { spend: number; activity: number; loyalty: number; total: number };
  repeatPurchases: number;
  creditScore: number;
  /** The tier the score and credit score reach, before sanctions and grace periods. */
  earned: TierCode;
}

const DAY_MS = 86_400_000;

/** Where the rule version's window starts, for an evaluation at `at`. */
export const windowStart = (rules: Pick<RuleVersion, 'windowDays'>, at: Date): Date => new Date(at.getTime() - rules.windowDays * DAY_MS);

/** The penalty of these sanction kinds under the rule version. */
export const violationPenalty = (kinds: readonly SanctionKind[], rules: Pick<RuleVersion, 'violationPenalties'>): number =>
  kinds.reduce((sum, kind) => sum + rules.violationPenalties[kind], 0);

/** The requirements lowest rank first; refuses an empty ladder. */
function byRank(rules: Pick<RuleVersion, 'requirements'>): TierRequirement[] {
  const sorted = [...rules.requirements].sort((a, b) => a.rank - b.rank);
  if (sorted.length === 0) throw new RangeError('The rule version has no tier requirements.');
  return sorted;
}

/** The rank of a tier under the rule version. */
export function rankOf(code: TierCode, rules: Pick<RuleVersion, 'requirements'>): number {
  const found = rules.requirements.find((r) => r.code === code);
  if (!found) throw new RangeError(`The rule version has no requirement for ${code}.`);
  return found.rank;
}

/** The tier at a rank, clamped to the ladder. */
export function tierAtRank(rank: number, rules: Pick<RuleVersion, 'requirements'>): TierCode {
  const sorted = byRank(rules);
  const clamped = Math.min(Math.max(rank, sorted[0]!.rank), sorted[sorted.length - 1]!.rank);
  return (sorted.find((r) => r.rank >= clamped) ?? sorted[sorted.length - 1]!).code;
}

/**
 * Scores the inputs under a rule version and finds the tier they earn: the highest
 * tier whose score and credit score requirements are both met. The lowest tier is
 * always earned: nobody falls off the ladder.
 */
export function evaluate(inputs: EvaluationInputs, rules: RuleVersion, at: Date): Evaluation {
  for (const [name, value] of Object.entries({ ...inputs, ...inputs.activity })) {
    if (typeof value === 'number' && (!Number.isInteger(value) || value < 0))
      throw new RangeError(`Evaluation input ${name} must be a whole number of at least 0, got ${value}.`);
  }
  const spend = Math.floor(inputs.qualifyingSpend / rules.spendPerPoint);
  const activity = (Object.keys(rules.activityWeights) as ActivityKind[]).reduce(
    (sum, kind) => sum + rules.activityWeights[kind] * (inputs.activity[kind] ?? 0),
    0,
  );
  const repeatPurchases = Math.max(0, inputs.purchases - 1);
  const loyalty = inputs.monthsWithPurchase * rules.purchaseMonthWeight + repeatPurchases * rules.repeatPurchaseWeight;
  const total = spend + activity + loyalty;
  const creditScore = Math.max(0, rules.creditBase - inputs.violationPenalty);
  let earned = byRank(rules)[0]!;
  for (const r of byRank(rules)) if (total >= r.minScore && creditScore >= r.minCreditScore) earned = r;
  return {
    ruleVersion: rules.version,
    evaluatedAt: at,
    windowStart: windowStart(rules, at),
    inputs,
    score: { spend, activity, loyalty, total },
    repeatPurchases,
    creditScore,
    earned: earned.code,
  };
}

/** What a member lacks for the tier above `current`: null at the top of the ladder. */
export interface NextTierNeeds {
  tier: TierCode;
  minScore: number;
  minCreditScore: number;
  /** Score points still missing (0 when the score is already enough). */
  missingScore: number;
  /** Qualifying spend that alone would close the score gap, in minor units. */
  spendToClose: number;
  /** Credit points still missing (0 when the credit score is enough). */
  missingCreditScore: number;
}

/** What the tier above `current` needs, measured against the evaluation. */
export function nextTierNeeds(evaluation: Evaluation, current: TierCode, rules: RuleVersion): NextTierNeeds | null {
  const above = byRank(rules).find((r) => r.rank > rankOf(current, rules));
  if (!above) return null;
  const missingScore = Math.max(0, above.minScore - evaluation.score.total);
  // The spend that adds `missingScore` points: the score floors spend, so the last point needs its whole unit.
  const spendToClose =
    missingScore === 0
      ? 0
      : Math.max(
          0,
          (Math.floor(evaluation.inputs.qualifyingSpend / rules.spendPerPoint) + missingScore) * rules.spendPerPoint -
            evaluation.inputs.qualifyingSpend,
        );
  return {
    tier: above.code,
    minScore: above.minScore,
    minCreditScore: above.minCreditScore,
    missingScore,
    spendToClose,
    missingCreditScore: Math.max(0, above.minCreditScore - evaluation.creditScore),
  };
}

/** The version in force at `at`: the highest whose effectiveFrom has come. */
export function ruleVersionAt<R extends Pick<RuleVersion, 'version' | 'effectiveFrom'>>(versions: readonly R[], at: Date): R {
  const inForce = versions.filter((v) => v.effectiveFrom.getTime() <= at.getTime()).sort((a, b) => b.version - a.version)[0];
  if (!inForce) throw new RangeError(`No tier rule version is in force at ${at.toISOString()}.`);
  return inForce;
}

/** A tier's requirement under a rule version, as `Tier.requirements` shows it. */
export type RequirementView = TierRequirement & { ruleVersion: number };
