import { badInput } from '@membership/domain';

/** The earning rules the programme publishes; `order` is points per currency unit paid. */
export const RULE_CODES = [
  'order',
  'check_in',
  'streak_bonus',
  'task_complete_profile',
  'task_first_order',
  'task_review',
  'task_activity',
  'share',
  'referral_referrer',
  'referral_referee',
  'suggestion',
] as const;
export type RuleCode = (typeof RULE_CODES)[number];

/** One version of a rule: its points from `effectiveFrom` until a later version takes over. */
export interface EarningRule {
  code: RuleCode;
  points: number;
  /** Most points one member may earn from the rule in one day; null for no cap. */
  dailyCap: number | null;
  /** Most points one member may ever earn from the rule; null for no cap. */
  totalCap: number | null;
  effectiveFrom: Date;
  announcedAt: Date;
}

/** The version of each rule in force at `at` (the latest that has started). */
export function rulesInForce(rules: readonly EarningRule[], at: Date): Map<RuleCode, EarningRule> {
  const inForce = new Map<RuleCode, EarningRule>();
  for (const r of rules) {
    if (r.effectiveFrom > at) continue;
    const current = inForce.get(r.code);
    if (!current || current.effectiveFrom < r.effectiveFrom) inForce.set(r.code, r);
  }
  return inForce;
}

/**
 * A change to a rule is announced at least `noticeDays` ahead: refused (BAD_USER_INPUT)
 * when it would start sooner, so members always see a change coming in `earningRules`.
 */
export function checkRuleChange(
  change: { code: string; points: number; dailyCap: number | null; totalCap: number | null; effectiveFrom: Date },
  now: Date,
  noticeDays: number,
): RuleCode {
  if (!(RULE_CODES as readonly string[]).includes(change.code))
    throw badInput(`There is no earning rule ${change.code}; the rules are ${RULE_CODES.join(', ')}.`, 'code');
  if (!Number.isInteger(change.points) || change.points < 0) throw badInput('A rule gives a whole number of points, 0 or more.', 'points');
  for (const [field, cap] of [
    ['dailyCap', change.dailyCap],
    ['totalCap', change.totalCap],
  ] as const) {
    if (cap !== null && (!Number.isInteger(cap) || cap <= 0))
      throw badInput(`${field} is a positive whole number of points, or null for no cap.`, field);
  }
  const earliest = new Date(now.getTime() + noticeDays * 86_400_000);
  if (change.effectiveFrom < earliest) {
    throw badInput(
      `Rule changes are announced ${noticeDays} days ahead: the earliest start is ${earliest.toISOString()}.`,
      'effectiveFrom',
    );
  }
  return change.code as RuleCode;
}

/** What a capped award may still give: `points`, cut down to what the day's and the lifetime caps leave. */
export function cappedAward(
  points: number,
  rule: Pick<EarningRule, 'dailyCap' | 'totalCap'>,
  earnedToday: number,
  earnedEver: number,
): number {
  let left = points;
  if (rule.dailyCap !== null) left = Math.min(left, rule.dailyCap - earnedToday);
  if (rule.totalCap !== null) left = Math.min(left, rule.totalCap - earnedEver);
  return Math.max(0, left);
}

/** A campaign: a multiplier on order points between two instants (holidays). */
export interface Campaign {
  id: string;
  name: string;
  multiplierPercent: number;
  startsAt: Date;
  endsAt: Date;
}

/**
 * The campaign multiplier at `at` (percent): the largest of the campaigns running then and,
 * on the programme's anniversary (`MM-DD`, in UTC), the anniversary multiplier. 100 when none.
 */
export function campaignPercentAt(
  campaigns: readonly Campaign[],
  at: Date,
  anniversary: { monthDay: string; percent: number } | null,
): number {
  let percent = 100;
  for (const c of campaigns) if (c.startsAt <= at && at < c.endsAt) percent = Math.max(percent, c.multiplierPercent);
  if (anniversary && at.toISOString().slice(5, 10) === anniversary.monthDay) percent = Math.max(percent, anniversary.percent);
  return percent;
}

const SINCE_EVER = new Date('2000-01-01T00:00:00.000Z');
const rule = (code: RuleCode, points: number, dailyCap: number | null = null, totalCap: number | null = null): EarningRule => ({
  code,
  points,
  dailyCap,
  totalCap,
  effectiveFrom: SINCE_EVER,
  announcedAt: SINCE_EVER,
});

/**
 * The programme's starting rules (docs/OPERATIONS.md), in force until staff announce a change;
 * the order rate is the configured POINTS_PER_CURRENCY_UNIT.
 */
export function startingRules(pointsPerUnit: number): EarningRule[] {
  return [
    rule('order', pointsPerUnit),
    rule('check_in', 5),
    rule('streak_bonus', 2),
    rule('task_complete_profile', 50, null, 50),
    rule('task_first_order', 100, null, 100),
    rule('task_review', 20, 60),
    rule('task_activity', 30, 90),
    rule('share', 30, 90),
    rule('referral_referrer', 200, 1000),
    rule('referral_referee', 100, null, 100),
    rule('suggestion', 200, 1000),
  ];
}

/** The starting rules followed by the versions staff announced: what rulesInForce reads. */
export const programmeRules = (announced: readonly EarningRule[], pointsPerUnit: number): EarningRule[] => [
  ...startingRules(pointsPerUnit),
  ...announced,
];
