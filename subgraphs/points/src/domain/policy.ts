import type { OffsetPolicy } from './earning.js';
import type { ExpiryPolicy } from './lots.js';

/** The programme's points settings, built once from env.ts. */
export interface PointsPolicy {
  expiry: ExpiryPolicy;
  /** Points per whole currency unit paid. */
  pointsPerUnit: number;
  offset: OffsetPolicy;
  holdTtlMs: number;
  expiringNoticeDays: number;
  ruleChangeNoticeDays: number;
  defaultTimeZone: string;
  streakMaxBonusDays: number;
  anniversary: { monthDay: string; percent: number };
  verificationAbove: number;
  /** How long a redemption that needs fulfilment stays reserved. */
  redemptionHoldMs: number;
  /** Verification a lottery entry needs; 'none' for no check. */
  lotteryVerification: 'none' | 'primary' | 'advanced';
}

/** The policy from points' parsed environment. */
export function policyFrom(env: {
  POINTS_PER_CURRENCY_UNIT: number;
  POINTS_EXPIRY_POLICY: 'years' | 'end_of_following_year';
  POINTS_EXPIRY_YEARS: number;
  POINTS_OFFSET_POINTS_PER_UNIT: number;
  POINTS_OFFSET_MAX_PERCENT: number;
  POINTS_HOLD_TTL_MINUTES: number;
  POINTS_EXPIRING_NOTICE_DAYS: number;
  POINTS_RULE_CHANGE_NOTICE_DAYS: number;
  POINTS_DEFAULT_TIME_ZONE: string;
  POINTS_STREAK_MAX_BONUS_DAYS: number;
  POINTS_ANNIVERSARY: string;
  POINTS_ANNIVERSARY_PERCENT: number;
  POINTS_STORE_VERIFICATION_ABOVE: number;
  POINTS_REDEMPTION_HOLD_HOURS: number;
  POINTS_LOTTERY_VERIFICATION_LEVEL: 'none' | 'primary' | 'advanced';
}): PointsPolicy {
  return {
    expiry: env.POINTS_EXPIRY_POLICY === 'years' ? { kind: 'years', years: env.POINTS_EXPIRY_YEARS } : { kind: 'end_of_following_year' },
    pointsPerUnit: env.POINTS_PER_CURRENCY_UNIT,
    offset: { pointsPerUnit: env.POINTS_OFFSET_POINTS_PER_UNIT, maxPercent: env.POINTS_OFFSET_MAX_PERCENT },
    holdTtlMs: env.POINTS_HOLD_TTL_MINUTES * 60_000,
    expiringNoticeDays: env.POINTS_EXPIRING_NOTICE_DAYS,
    ruleChangeNoticeDays: env.POINTS_RULE_CHANGE_NOTICE_DAYS,
    defaultTimeZone: env.POINTS_DEFAULT_TIME_ZONE,
    streakMaxBonusDays: env.POINTS_STREAK_MAX_BONUS_DAYS,
    anniversary: { monthDay: env.POINTS_ANNIVERSARY, percent: env.POINTS_ANNIVERSARY_PERCENT },
    verificationAbove: env.POINTS_STORE_VERIFICATION_ABOVE,
    redemptionHoldMs: env.POINTS_REDEMPTION_HOLD_HOURS * 3_600_000,
    lotteryVerification: env.POINTS_LOTTERY_VERIFICATION_LEVEL,
  };
}

/** The defaults, for code that runs without an environment (the demo seed, tests). */
export const DEFAULT_POLICY: PointsPolicy = policyFrom({
  POINTS_PER_CURRENCY_UNIT: 1,
  POINTS_EXPIRY_POLICY: 'end_of_following_year',
  POINTS_EXPIRY_YEARS: 2,
  POINTS_OFFSET_POINTS_PER_UNIT: 100,
  POINTS_OFFSET_MAX_PERCENT: 50,
  POINTS_HOLD_TTL_MINUTES: 30,
  POINTS_EXPIRING_NOTICE_DAYS: 30,
  POINTS_RULE_CHANGE_NOTICE_DAYS: 30,
  POINTS_DEFAULT_TIME_ZONE: 'Asia/Shanghai',
  POINTS_STREAK_MAX_BONUS_DAYS: 6,
  POINTS_ANNIVERSARY: '06-18',
  POINTS_ANNIVERSARY_PERCENT: 200,
  POINTS_STORE_VERIFICATION_ABOVE: 5000,
  POINTS_REDEMPTION_HOLD_HOURS: 72,
  POINTS_LOTTERY_VERIFICATION_LEVEL: 'none',
});
