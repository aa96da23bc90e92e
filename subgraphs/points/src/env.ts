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
    /** Points earned per whole currency unit paid (1 point per yuan). */
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
  },
  { trusts: ['gateway', 'identity', 'orders'] },
);

export type PointsEnv = ReturnType<typeof loadPointsEnv>;
