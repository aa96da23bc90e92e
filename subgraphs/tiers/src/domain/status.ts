import type { TierCode } from '@membership/events';
import type { SanctionsInForce } from './decision.js';
import { evaluate, nextTierNeeds, rankOf, type Evaluation, type NextTierNeeds, type RuleVersion } from './rules.js';

/** A member's stored standing and latest evaluation, as tierStatus reads it. */
export interface StoredStanding {
  memberId: string;
  tier: TierCode;
  since: Date;
  ruleVersion: number | null;
  evaluatedAt: Date | null;
  qualifyingSpend: number;
  purchases: number;
  monthsWithPurchase: number;
  checkIns: number;
  activities: number;
  reviews: number;
  shares: number;
  violations: number;
  violationPenalty: number;
  downgradeDueAt: Date | null;
  downgradeTo: TierCode | null;
}

export type EvaluationView = Evaluation & { currency: string };
export type NextTierView = NextTierNeeds & { currency: string };
export interface DowngradeView {
  to: TierCode;
  at: Date;
}

/** What `Member.tierStatus` answers. */
export interface TierStatusView {
  tier: TierCode;
  since: Date;
  earnedTier: TierCode | null;
  evaluation: EvaluationView | null;
  next: NextTierView | null;
  scheduledDowngrade: DowngradeView | null;
  loweredBySanction: boolean;
  upgradesBlocked: boolean;
  explanation: string[];
}

const label = (code: TierCode) => code.charAt(0) + code.slice(1).toLowerCase();
const money = (minor: number, currency: string) => `${(minor / 100).toFixed(2)} ${currency}`;
const day = (d: Date) => d.toISOString().slice(0, 10);
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * Explains a member's tier from their stored evaluation: the evaluation is recomputed
 * from its recorded inputs under its recorded rule version, so every number shown is
 * one of the inputs or follows from them by that version's weights.
 */
export function tierStatus(stored: StoredStanding, rules: RuleVersion | null, sanctions: SanctionsInForce): TierStatusView {
  const scheduledDowngrade = stored.downgradeDueAt && stored.downgradeTo ? { to: stored.downgradeTo, at: stored.downgradeDueAt } : null;
  const loweredBySanction = sanctions.downgrades > 0;
  const base = { tier: stored.tier, since: stored.since, scheduledDowngrade, loweredBySanction, upgradesBlocked: sanctions.blocksUpgrades };
  const explanation = [`You are ${label(stored.tier)} since ${day(stored.since)}.`];
  if (!rules || stored.ruleVersion === null || !stored.evaluatedAt) {
    explanation.push('You have not been evaluated yet: your first paid order or activity will be.');
    return { ...base, earnedTier: null, evaluation: null, next: null, explanation };
  }
  const evaluation = evaluate(
    {
      qualifyingSpend: stored.qualifyingSpend,
      purchases: stored.purchases,
      monthsWithPurchase: stored.monthsWithPurchase,
      activity: { check_in: stored.checkIns, activity: stored.activities, review: stored.reviews, share: stored.shares },
      violations: stored.violations,
      violationPenalty: stored.violationPenalty,
    },
    rules,
    stored.evaluatedAt,
  );
  const needs = nextTierNeeds(evaluation, stored.tier, rules);
  const { inputs, score } = evaluation;
  explanation.push(
    `Your evaluation of ${day(evaluation.evaluatedAt)} (rules version ${rules.version}) counts, since ${day(evaluation.windowStart)}: ` +
      `${money(inputs.qualifyingSpend, rules.currency)} of qualifying spend in ${plural(inputs.purchases, 'paid order')} over ${plural(inputs.monthsWithPurchase, 'month')}, ` +
      `${plural(inputs.activity.check_in, 'check-in')}, ${plural(inputs.activity.activity, 'activity')}, ${plural(inputs.activity.review, 'review')} and ${plural(inputs.activity.share, 'share')}.`,
  );
  explanation.push(
    `That is a score of ${score.total}: ${score.spend} from spend, ${score.activity} from activity and ${score.loyalty} from loyalty.`,
  );
  explanation.push(
    `Your credit score is ${evaluation.creditScore} of ${rules.creditBase} (${plural(inputs.violations, 'violation')} in the window).`,
  );
  explanation.push(`Those numbers reach ${label(evaluation.earned)}.`);
  if (loweredBySanction)
    explanation.push('A DOWNGRADE sanction in force holds you below the tier you had; it is restored when the sanction is lifted.');
  else if (sanctions.blocksUpgrades) explanation.push('A sanction in force blocks upgrades until it is lifted.');
  if (scheduledDowngrade) {
    explanation.push(
      `You keep ${label(stored.tier)} until ${day(scheduledDowngrade.at)}, then move to ${label(scheduledDowngrade.to)}, unless your numbers reach ${label(stored.tier)} again before.`,
    );
  } else if (!loweredBySanction && rankOf(evaluation.earned, rules) < rankOf(stored.tier, rules)) {
    explanation.push(`You keep ${label(stored.tier)} for now: a downgrade is announced ahead and applies only after its grace period.`);
  }
  if (needs) {
    const parts = [];
    if (needs.missingScore > 0)
      parts.push(
        `${needs.missingScore} more score points (for example ${money(needs.spendToClose, rules.currency)} more qualifying spend)`,
      );
    if (needs.missingCreditScore > 0)
      parts.push(`${needs.missingCreditScore} more credit points (violations leave the window after ${rules.windowDays} days)`);
    explanation.push(
      `${label(needs.tier)} needs a score of ${needs.minScore} and a credit score of ${needs.minCreditScore}: ` +
        (parts.length > 0 ? `you need ${parts.join(' and ')}.` : 'you meet both.'),
    );
  } else {
    explanation.push('You are at the top of the ladder.');
  }
  return {
    ...base,
    earnedTier: evaluation.earned,
    evaluation: { ...evaluation, currency: rules.currency },
    next: needs ? { ...needs, currency: rules.currency } : null,
    explanation,
  };
}
