import { z } from '@membership/config';
import { subgraphEnv } from '@membership/subgraph';
import { parseHours } from './domain/business-hours.js';
import type { ComplaintPolicy } from './domain/complaints.js';
import type { LadderPolicy } from './domain/ladder.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** A JSON setting, checked by `schema`. */
const json = <T extends z.ZodType>(schema: T, fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((raw, ctx) => {
      try {
        return schema.parse(JSON.parse(raw)) as z.output<T>;
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: `not valid: ${String(error)}` });
        return z.NEVER;
      }
    });

const priority = z.enum(['LOW', 'NORMAL', 'HIGH', 'URGENT']);
const hoursByPriority = z.object({
  LOW: z.number().positive(),
  NORMAL: z.number().positive(),
  HIGH: z.number().positive(),
  URGENT: z.number().positive(),
});

/** Moderation's own settings (documented in .env.example and docs/OPERATIONS.md). */
const moderationShape = {
  /** Reports of the same subject and category within this many hours fold into one. */
  REPORT_DEDUPE_WINDOW_HOURS: z.coerce.number().int().min(0).default(72),
  /** Earlier violations within this many days make a new one climb the ladder. */
  VIOLATION_REPEAT_WINDOW_DAYS: z.coerce.number().int().min(1).default(365),
  /** Hours between a sanction's notice and its effect. */
  SANCTION_NOTICE_HOURS: z.coerce.number().min(0).default(72),
  /** Severities whose sanction takes effect at once, comma-separated. */
  SANCTION_IMMEDIATE_SEVERITIES: z
    .string()
    .default('CRITICAL')
    .transform((s) =>
      s
        .split(',')
        .map((v) => v.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.enum(['MINOR', 'MODERATE', 'SEVERE', 'CRITICAL']))),
  /** The sanction ladder, mildest rung first; a rung without days lasts until lifted. */
  SANCTION_LADDER: json(
    z
      .array(
        z.object({ kind: z.enum(['WARNING', 'RESTRICTED_BENEFITS', 'DOWNGRADE', 'BAN']), days: z.number().int().positive().optional() }),
      )
      .min(1),
    '[{"kind":"WARNING"},{"kind":"RESTRICTED_BENEFITS","days":30},{"kind":"DOWNGRADE","days":90},{"kind":"BAN","days":30},{"kind":"BAN"}]',
  ),
  /** Days after the notice during which the member may appeal. */
  APPEAL_WINDOW_DAYS: z.coerce.number().int().min(1).default(14),
  /** The support team's calendar: IANA time zone, working weekdays (0 = Sunday), HH:MM-HH:MM. */
  COMPLAINT_TIME_ZONE: z.string().default('Asia/Shanghai'),
  COMPLAINT_BUSINESS_DAYS: z
    .string()
    .default('1,2,3,4,5')
    .transform((s) => s.split(',').map((v) => Number(v.trim())))
    .pipe(z.array(z.number().int().min(0).max(6)).min(1)),
  COMPLAINT_BUSINESS_HOURS: z
    .string()
    .regex(/^\d{2}:\d{2}-\d{2}:\d{2}$/)
    .default('09:00-18:00'),
  /** Business hours to the first answer and to the resolution, per priority. */
  COMPLAINT_FIRST_RESPONSE_HOURS: json(hoursByPriority, '{"URGENT":1,"HIGH":2,"NORMAL":4,"LOW":8}'),
  COMPLAINT_RESOLUTION_HOURS: json(hoursByPriority, '{"URGENT":8,"HIGH":16,"NORMAL":27,"LOW":45}'),
  /** The least priority each tier's benefits promise its members' complaints. */
  COMPLAINT_TIER_PRIORITY: json(
    z.partialRecord(z.enum(['BRONZE', 'SILVER', 'GOLD', 'PLATINUM', 'DIAMOND']), priority),
    '{"GOLD":"HIGH","PLATINUM":"HIGH","DIAMOND":"URGENT"}',
  ),
  /** Only for `npm run bench -w @membership/moderation`: the Postgres server its scratch database is made on. */
  BENCH_DATABASE_URL: z.string().optional(),
  /** A rating (1-5) at or below this reopens the complaint one priority higher. */
  COMPLAINT_DISSATISFIED_RATING: z.coerce.number().int().min(1).max(4).default(2),
};

/** The moderation subgraph's environment, parsed once: the shared settings and its own, on port 4105 by default. */
export const loadModerationEnv = subgraphEnv(4105, moderationShape);

export type ModerationEnv = ReturnType<typeof loadModerationEnv>;

/** Moderation's rules as the domain takes them, built once from the environment. */
export interface ModerationPolicy {
  reportWindowMs: number;
  ladder: LadderPolicy;
  appealWindowMs: number;
  complaints: ComplaintPolicy;
}

export function moderationPolicy(env: ModerationEnv): ModerationPolicy {
  return {
    reportWindowMs: env.REPORT_DEDUPE_WINDOW_HOURS * HOUR,
    ladder: {
      ladder: env.SANCTION_LADDER,
      repeatWindowMs: env.VIOLATION_REPEAT_WINDOW_DAYS * DAY,
      noticeMs: env.SANCTION_NOTICE_HOURS * HOUR,
      immediate: env.SANCTION_IMMEDIATE_SEVERITIES,
    },
    appealWindowMs: env.APPEAL_WINDOW_DAYS * DAY,
    complaints: {
      calendar: { timeZone: env.COMPLAINT_TIME_ZONE, days: env.COMPLAINT_BUSINESS_DAYS, ...parseHours(env.COMPLAINT_BUSINESS_HOURS) },
      firstResponseHours: env.COMPLAINT_FIRST_RESPONSE_HOURS,
      resolutionHours: env.COMPLAINT_RESOLUTION_HOURS,
      tierPriority: env.COMPLAINT_TIER_PRIORITY,
      dissatisfiedAtOrBelow: env.COMPLAINT_DISSATISFIED_RATING,
    },
  };
}
