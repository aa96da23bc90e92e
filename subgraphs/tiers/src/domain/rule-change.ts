import { badInput } from '@membership/domain';
import { TIER_CODES, type ActivityKind, type SanctionKind } from '@membership/events';
import type { RuleVersion, TierRequirement } from './rules.js';

/**
 * A new rule version as staff ask for it. Every part left out is the latest version's,
 * so a change of one threshold names only that tier's requirement.
 */
export interface RuleVersionDraft {
  effectiveAt: Date;
  reason: string;
  requirements?: readonly { tier: string; minScore: number; minCreditScore: number }[] | null;
  windowDays?: number | null;
  spendPerPoint?: number | null;
  activityWeights?: Partial<Record<ActivityKind, number>> | null;
  purchaseMonthWeight?: number | null;
  repeatPurchaseWeight?: number | null;
  creditBase?: number | null;
  violationPenalties?: Partial<Record<SanctionKind, number>> | null;
}

/** A rule version with who made it and why (null for the shipped version 1), as staff list them. */
export type RuleVersionRecord = RuleVersion & { createdAt: Date | null; createdBy: string | null; reason: string | null };

/** What a weight may be: whole score points, none to this many per fact. */
const MAX_WEIGHT = 10_000;
/** The highest score a tier may require: far above any member's, below integer trouble. */
const MAX_MIN_SCORE = 100_000_000;

const DAY_MS = 86_400_000;

function whole(value: number, field: string, min: number, max: number, what: string): number {
  if (!Number.isInteger(value) || value < min || value > max)
    throw badInput(`${what} must be a whole number from ${min} to ${max}; got ${value}.`, field);
  return value;
}

/**
 * Checks a new rule version against the latest one (`latest`, the version with the highest
 * number, in force or scheduled) and returns it numbered after it:
 *
 * - it takes effect at least `noticeDays` ahead (a change of thresholds can move members'
 *   tiers, so it is known before it applies) and after `latest`'s date (the version in force
 *   is the highest whose date has come, so an earlier date would skip a scheduled version);
 * - every tier has one requirement; the entry tier requires nothing (nobody falls off the
 *   ladder); score thresholds rise strictly with rank and credit thresholds never fall,
 *   none above the credit base;
 * - the window is 30 to 730 days, weights are whole points from 0 to MAX_WEIGHT, spend
 *   counts (spendPerPoint at least 1), and a single violation costs at most the credit base.
 *
 * The currency stays the latest version's: qualifying spend is kept in it.
 */
export function ruleVersionFrom(draft: RuleVersionDraft, latest: RuleVersion, now: Date, noticeDays: number): RuleVersion {
  const reason = draft.reason.trim();
  if (reason.length < 5) throw badInput('Give the reason for the new rules (it is kept in the staff operation log).', 'reason');
  if (reason.length > 500) throw badInput('Keep the reason under 500 characters.', 'reason');
  const earliest = new Date(now.getTime() + noticeDays * DAY_MS);
  if (Number.isNaN(draft.effectiveAt.getTime()) || draft.effectiveAt < earliest) {
    throw badInput(
      `New tier rules must be set at least ${noticeDays} days ahead: the earliest date is ${earliest.toISOString()}.`,
      'effectiveAt',
    );
  }
  if (draft.effectiveAt <= latest.effectiveFrom) {
    throw badInput(
      `Rule version ${latest.version} takes effect ${latest.effectiveFrom.toISOString()}; a new version must take effect after it.`,
      'effectiveAt',
    );
  }

  const windowDays = whole(draft.windowDays ?? latest.windowDays, 'windowDays', 30, 730, 'The window in days');
  const spendPerPoint = whole(
    draft.spendPerPoint ?? latest.spendPerPoint,
    'spendPerPoint',
    1,
    1_000_000,
    'Minor units of spend per score point',
  );
  const activityWeights = { ...latest.activityWeights, ...stripNulls(draft.activityWeights) };
  for (const [kind, weight] of Object.entries(activityWeights))
    whole(weight, `activityWeights.${kind}`, 0, MAX_WEIGHT, `The ${kind} weight`);
  const purchaseMonthWeight = whole(
    draft.purchaseMonthWeight ?? latest.purchaseMonthWeight,
    'purchaseMonthWeight',
    0,
    MAX_WEIGHT,
    'The weight of a month with a purchase',
  );
  const repeatPurchaseWeight = whole(
    draft.repeatPurchaseWeight ?? latest.repeatPurchaseWeight,
    'repeatPurchaseWeight',
    0,
    MAX_WEIGHT,
    'The weight of a repeat purchase',
  );
  const creditBase = whole(draft.creditBase ?? latest.creditBase, 'creditBase', 1, 1_000, 'The credit base');
  const violationPenalties = { ...latest.violationPenalties, ...stripNulls(draft.violationPenalties) };
  for (const [kind, penalty] of Object.entries(violationPenalties))
    whole(penalty, `violationPenalties.${kind}`, 0, creditBase, `The ${kind} penalty`);

  const requirements = draft.requirements
    ? requirementsFrom(draft.requirements, latest.requirements)
    : latest.requirements.map((r) => ({ ...r }));
  const ordered = [...requirements].sort((a, b) => a.rank - b.rank);
  const entry = ordered[0]!;
  if (entry.minScore !== 0 || entry.minCreditScore !== 0)
    throw badInput(`${entry.code} is the entry tier: it requires a score of 0 and a credit score of 0.`, 'requirements');
  for (let i = 1; i < ordered.length; i++) {
    const [below, r] = [ordered[i - 1]!, ordered[i]!];
    if (r.minScore <= below.minScore)
      throw badInput(`${r.code} must require a higher score than ${below.code} (${below.minScore}); got ${r.minScore}.`, 'requirements');
    if (r.minCreditScore < below.minCreditScore)
      throw badInput(
        `${r.code} must not require a lower credit score than ${below.code} (${below.minCreditScore}); got ${r.minCreditScore}.`,
        'requirements',
      );
  }
  for (const r of ordered) {
    whole(r.minScore, 'requirements', 0, MAX_MIN_SCORE, `${r.code}'s minimum score`);
    whole(r.minCreditScore, 'requirements', 0, creditBase, `${r.code}'s minimum credit score`);
  }

  return {
    version: latest.version + 1,
    effectiveFrom: draft.effectiveAt,
    currency: latest.currency,
    windowDays,
    spendPerPoint,
    activityWeights,
    purchaseMonthWeight,
    repeatPurchaseWeight,
    creditBase,
    violationPenalties,
    requirements: ordered,
  };
}

/** Every tier of the ladder once, with its rank from the ladder. */
function requirementsFrom(input: NonNullable<RuleVersionDraft['requirements']>, ladder: readonly TierRequirement[]): TierRequirement[] {
  const seen = new Set<string>();
  const out: TierRequirement[] = [];
  for (const r of input) {
    if (!(TIER_CODES as readonly string[]).includes(r.tier)) throw badInput(`There is no tier ${r.tier}.`, 'requirements');
    if (seen.has(r.tier)) throw badInput(`${r.tier} is named twice; give each tier one requirement.`, 'requirements');
    seen.add(r.tier);
    const rung = ladder.find((l) => l.code === r.tier);
    if (!rung) throw badInput(`${r.tier} is not on the ladder.`, 'requirements');
    out.push({ code: rung.code, rank: rung.rank, minScore: r.minScore, minCreditScore: r.minCreditScore });
  }
  const missing = ladder.filter((l) => !seen.has(l.code)).map((l) => l.code);
  if (missing.length > 0) throw badInput(`Give a requirement for every tier; missing: ${missing.join(', ')}.`, 'requirements');
  return out;
}

function stripNulls<T extends object>(o: T | null | undefined): Partial<T> {
  return Object.fromEntries(Object.entries(o ?? {}).filter(([, v]) => v !== null && v !== undefined)) as Partial<T>;
}
