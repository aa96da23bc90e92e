import { z } from '@membership/config';
import { subgraphEnv } from '@membership/subgraph';

/**
 * Points' environment, parsed once: the shared settings, on port 4103 by default, orders'
 * public key (orders calls holdPointsForOrder), and the amounts the membership terms leave
 * open (defaults documented in .env.example and docs/OPERATIONS.md).
 */
export const loadPointsEnv = subgraphEnv(
  4103,
  {
    /** Points earned per whole currency unit paid (1 point per yuan): the `order` rule until staff announce a change. */
    POINTS_PER_CURRENCY_UNIT: z.coerce.number().int().positive().default(1),
    /** How long earned points last: `end_of_following_year`, or `years`. */
    POINTS_EXPIRY_POLICY: z.enum(['years', 'end_of_following_year']).default('end_of_following_year'),
    /** With POINTS_EXPIRY_POLICY=years: how many years. */
    POINTS_EXPIRY_YEARS: z.coerce.number().int().positive().default(2),
    /** Points worth one currency unit of discount on an order (100 points = 1.00). */
    POINTS_OFFSET_POINTS_PER_UNIT: z.coerce.number().int().positive().default(100),
    /** The largest share of an order's amount points may pay, in percent. */
    POINTS_OFFSET_MAX_PERCENT: z.coerce.number().int().min(1).max(100).default(50),
    /** Minutes a points hold for an order lasts before the job gives the points back. */
    POINTS_HOLD_TTL_MINUTES: z.coerce.number().int().positive().default(30),
    /** Members with points expiring within this many days get PointsExpiring. */
    POINTS_EXPIRING_NOTICE_DAYS: z.coerce.number().int().positive().default(30),
    /** Earning rule changes must be announced at least this many days before they apply. */
    POINTS_RULE_CHANGE_NOTICE_DAYS: z.coerce.number().int().min(0).default(30),
    /** The time zone of a member's check-in days until they give their own. */
    POINTS_DEFAULT_TIME_ZONE: z.string().default('Asia/Shanghai'),
    /** The streak bonus grows for this many consecutive days, then stays. */
    POINTS_STREAK_MAX_BONUS_DAYS: z.coerce.number().int().min(0).default(6),
    /** The programme's anniversary (MM-DD, UTC), on which order points are multiplied. */
    POINTS_ANNIVERSARY: z
      .string()
      .regex(/^\d{2}-\d{2}$/)
      .default('06-18'),
    /** The anniversary multiplier in percent (200 = double points). */
    POINTS_ANNIVERSARY_PERCENT: z.coerce.number().int().min(100).default(200),
    /** Store items priced above this many points need real-name verification (primary or advanced). */
    POINTS_STORE_VERIFICATION_ABOVE: z.coerce.number().int().min(0).default(5000),
    /** Hours a redemption that needs fulfilment keeps its stock and points reserved before the job releases it. */
    POINTS_REDEMPTION_HOLD_HOURS: z.coerce.number().int().positive().default(72),
    /** Real-name verification a lottery entry needs (none: no check). */
    POINTS_LOTTERY_VERIFICATION_LEVEL: z.enum(['none', 'primary', 'advanced']).default('none'),
  },
  { trusts: ['gateway', 'identity', 'orders'] },
);

export type PointsEnv = ReturnType<typeof loadPointsEnv>;
