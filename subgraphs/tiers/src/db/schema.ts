import { boolean, index, integer, pgSchema, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { inboxTable, outboxTable } from '@membership/events';
import type { TierCode } from '../domain/tiers.js';

export const tiersSchema = pgSchema('tiers');

/** The tier ladder (reference data): what each tier takes to reach and what it earns. */
export const tiers = tiersSchema.table(
  'tiers',
  {
    code: text('code').$type<TierCode>().primaryKey(),
    name: text('name').notNull(),
    /** 1 is the entry tier; higher ranks are better. */
    rank: integer('rank').notNull(),
    /** Qualifying spend needed to reach the tier, in minor units of `currency`. */
    minQualifyingSpend: integer('min_qualifying_spend').notNull(),
    currency: text('currency').notNull(),
    /** Points earned per unit of spend, in percent: 100 is 1x, 150 is 1.5x. */
    pointsMultiplierPercent: integer('points_multiplier_percent').notNull(),
    /** Unpublished tiers exist for staff to prepare; members and anonymous callers do not see them. */
    published: boolean('published').notNull().default(true),
  },
  (t) => [uniqueIndex('tiers_rank_idx').on(t.rank)],
);

/** Each member's current tier, since when, and the spend that qualifies them. */
export const memberTiers = tiersSchema.table(
  'member_tiers',
  {
    memberId: uuid('member_id').primaryKey(),
    tierCode: text('tier_code')
      .$type<TierCode>()
      .notNull()
      .references(() => tiers.code, { onDelete: 'restrict' }),
    since: timestamp('since', { withTimezone: true }).notNull(),
    /** Minor units, in the currency of the tier ladder. */
    qualifyingSpend: integer('qualifying_spend').notNull().default(0),
  },
  (t) => [index('member_tiers_tier_code_idx').on(t.tierCode)],
);

/** Events tiers has produced, waiting for the relay. */
export const outbox = outboxTable(tiersSchema);
/** Events tiers has consumed. */
export const inbox = inboxTable(tiersSchema);
