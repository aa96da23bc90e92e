import { boolean, index, integer, jsonb, pgSchema, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { inboxTable, outboxTable } from '@membership/events';
import type { ActivityKind, SanctionKind, SanctionLiftReason } from '@membership/events';
import type { BenefitKind } from '../domain/benefits.js';
import type { TierCode } from '../domain/tiers.js';

export const tiersSchema = pgSchema('tiers');

/**
 * The tier ladder (reference data): names and ranks. What a tier takes to reach is in
 * `tier_requirements` (per rule version) and what it earns in `tier_benefits`: one place each.
 */
export const tiers = tiersSchema.table(
  'tiers',
  {
    code: text('code').$type<TierCode>().primaryKey(),
    name: text('name').notNull(),
    /** 1 is the entry tier; higher ranks are better. */
    rank: integer('rank').notNull(),
    /** The currency members' qualifying spend is kept in (the rule versions count spend in it). */
    currency: text('currency').notNull(),
    /** Unpublished tiers exist for staff to prepare; members and anonymous callers do not see them. */
    published: boolean('published').notNull().default(true),
  },
  (t) => [uniqueIndex('tiers_rank_idx').on(t.rank)],
);

/**
 * Each member's place on the ladder: the tier, since when, what their latest evaluation
 * counted (its inputs, rule version and result), and what is pending (a downgrade
 * announced for the end of its grace period, an upgrade a refund may still reverse, the
 * tier to restore when a DOWNGRADE sanction is lifted).
 */
export const memberTiers = tiersSchema.table(
  'member_tiers',
  {
    memberId: uuid('member_id').primaryKey(),
    tierCode: text('tier_code')
      .$type<TierCode>()
      .notNull()
      .references(() => tiers.code, { onDelete: 'restrict' }),
    since: timestamp('since', { withTimezone: true }).notNull(),
    /** Minor units, in the currency of the rule version: paid orders in the window net of their refunds. */
    qualifyingSpend: integer('qualifying_spend').notNull().default(0),
    /** The latest evaluation: when, under which rule version, and its other inputs. */
    ruleVersion: integer('rule_version'),
    evaluatedAt: timestamp('evaluated_at', { withTimezone: true }),
    purchases: integer('purchases').notNull().default(0),
    monthsWithPurchase: integer('months_with_purchase').notNull().default(0),
    checkIns: integer('check_ins').notNull().default(0),
    activities: integer('activities').notNull().default(0),
    reviews: integer('reviews').notNull().default(0),
    shares: integer('shares').notNull().default(0),
    violations: integer('violations').notNull().default(0),
    violationPenalty: integer('violation_penalty').notNull().default(0),
    /** What those inputs make under the rule version: the score, the credit score, the tier they earn. */
    score: integer('score').notNull().default(0),
    creditScore: integer('credit_score').notNull().default(0),
    earnedTier: text('earned_tier').$type<TierCode>(),
    tierBeforeSanction: text('tier_before_sanction').$type<TierCode>(),
    downgradeDueAt: timestamp('downgrade_due_at', { withTimezone: true }),
    downgradeTo: text('downgrade_to').$type<TierCode>(),
    provisionalUntil: timestamp('provisional_until', { withTimezone: true }),
    provisionalFrom: text('provisional_from').$type<TierCode>(),
  },
  (t) => [index('member_tiers_tier_code_idx').on(t.tierCode)],
);

/**
 * Versions of the evaluation rules: window and weights. The version in force is the highest
 * whose date has come. Staff with tiers:manage add versions (createTierRuleVersion); the
 * shipped version 1 has no author.
 */
export const ruleVersions = tiersSchema.table('rule_versions', {
  version: integer('version').primaryKey(),
  effectiveFrom: timestamp('effective_from', { withTimezone: true }).notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }),
  createdBy: text('created_by'),
  reason: text('reason'),
  currency: text('currency').notNull(),
  windowDays: integer('window_days').notNull(),
  spendPerPoint: integer('spend_per_point').notNull(),
  checkInWeight: integer('check_in_weight').notNull(),
  activityWeight: integer('activity_weight').notNull(),
  reviewWeight: integer('review_weight').notNull(),
  shareWeight: integer('share_weight').notNull(),
  purchaseMonthWeight: integer('purchase_month_weight').notNull(),
  repeatPurchaseWeight: integer('repeat_purchase_weight').notNull(),
  creditBase: integer('credit_base').notNull(),
  warningPenalty: integer('warning_penalty').notNull(),
  restrictedBenefitsPenalty: integer('restricted_benefits_penalty').notNull(),
  downgradePenalty: integer('downgrade_penalty').notNull(),
  banPenalty: integer('ban_penalty').notNull(),
});

/** What each tier takes under each rule version. */
export const tierRequirements = tiersSchema.table(
  'tier_requirements',
  {
    ruleVersion: integer('rule_version')
      .notNull()
      .references(() => ruleVersions.version, { onDelete: 'cascade' }),
    tierCode: text('tier_code')
      .$type<TierCode>()
      .notNull()
      .references(() => tiers.code, { onDelete: 'restrict' }),
    minScore: integer('min_score').notNull(),
    minCreditScore: integer('min_credit_score').notNull(),
  },
  (t) => [primaryKey({ columns: [t.ruleVersion, t.tierCode] })],
);

/** Paid orders as OrderPaid told them: qualifying spend. One row per order, so a repeated event counts once. */
export const purchases = tiersSchema.table(
  'purchases',
  {
    orderId: uuid('order_id').primaryKey(),
    memberId: uuid('member_id').notNull(),
    amount: integer('amount').notNull(),
    currency: text('currency').notNull(),
    paidAt: timestamp('paid_at', { withTimezone: true }).notNull(),
    returnWindowEndsAt: timestamp('return_window_ends_at', { withTimezone: true }),
  },
  (t) => [index('purchases_member_id_paid_at_idx').on(t.memberId, t.paidAt)],
);

/** Refunds as RefundCompleted told them; they lower their order's spend, whichever event came first. */
export const refunds = tiersSchema.table(
  'refunds',
  {
    refundId: uuid('refund_id').primaryKey(),
    orderId: uuid('order_id').notNull(),
    memberId: uuid('member_id').notNull(),
    amount: integer('amount').notNull(),
    currency: text('currency').notNull(),
    completedAt: timestamp('completed_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('refunds_order_id_idx').on(t.orderId), index('refunds_member_id_idx').on(t.memberId)],
);

/** Member activity (MemberActivityRecorded); the same activity told twice is one row. */
export const activities = tiersSchema.table(
  'activities',
  {
    eventId: uuid('event_id').primaryKey(),
    memberId: uuid('member_id').notNull(),
    kind: text('kind').$type<ActivityKind>().notNull(),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex('activities_member_id_kind_occurred_at_idx').on(t.memberId, t.kind, t.occurredAt)],
);

/**
 * Sanctions as moderation told them. Applied and lifted may arrive in either order: a
 * sanction is in force when it was applied and not lifted. One reversed on appeal is no violation.
 */
export const sanctions = tiersSchema.table(
  'sanctions',
  {
    sanctionId: uuid('sanction_id').primaryKey(),
    memberId: uuid('member_id').notNull(),
    kind: text('kind').$type<SanctionKind>().notNull(),
    appliedAt: timestamp('applied_at', { withTimezone: true }),
    endsAt: timestamp('ends_at', { withTimezone: true }),
    liftedAt: timestamp('lifted_at', { withTimezone: true }),
    liftReason: text('lift_reason').$type<SanctionLiftReason>(),
  },
  (t) => [index('sanctions_member_id_idx').on(t.memberId)],
);

/** Evaluations that moved something (an event's, or the periodic one's when it changed a tier or announced a downgrade): inputs, rule version, result. */
export const tierEvaluations = tiersSchema.table(
  'tier_evaluations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    memberId: uuid('member_id').notNull(),
    ruleVersion: integer('rule_version').notNull(),
    evaluatedAt: timestamp('evaluated_at', { withTimezone: true }).notNull(),
    trigger: text('trigger').notNull(),
    inputs: jsonb('inputs').notNull(),
    score: integer('score').notNull(),
    creditScore: integer('credit_score').notNull(),
    earnedTier: text('earned_tier').$type<TierCode>().notNull(),
    tierBefore: text('tier_before').$type<TierCode>(),
    tierAfter: text('tier_after').$type<TierCode>().notNull(),
  },
  (t) => [index('tier_evaluations_member_id_evaluated_at_idx').on(t.memberId, t.evaluatedAt)],
);

/**
 * What each tier gives, with the time it applies from and until: a scheduled change
 * closes the old row and opens a new one at its date, so nobody sees it before.
 */
export const tierBenefits = tiersSchema.table(
  'tier_benefits',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tierCode: text('tier_code')
      .$type<TierCode>()
      .notNull()
      .references(() => tiers.code, { onDelete: 'restrict' }),
    benefit: text('benefit').$type<BenefitKind>().notNull(),
    /** The benefit's amount, where it has one: percent for multipliers and discounts, a count for trials and shipping. */
    value: integer('value'),
    description: text('description').notNull(),
    effectiveFrom: timestamp('effective_from', { withTimezone: true }).notNull(),
    effectiveUntil: timestamp('effective_until', { withTimezone: true }),
    /** The announced change that opened this row. */
    changeId: uuid('change_id'),
  },
  (t) => [index('tier_benefits_tier_code_benefit_effective_from_idx').on(t.tierCode, t.benefit, t.effectiveFrom)],
);

/** Benefit changes staff scheduled (BenefitChangeAnnounced); objections name the changeId. */
export const benefitChanges = tiersSchema.table(
  'benefit_changes',
  {
    changeId: uuid('change_id').primaryKey(),
    tierCode: text('tier_code')
      .$type<TierCode>()
      .notNull()
      .references(() => tiers.code, { onDelete: 'restrict' }),
    benefit: text('benefit').$type<BenefitKind>().notNull(),
    /** Null with `removes`: the benefit ends at the date. */
    value: integer('value'),
    description: text('description'),
    removes: boolean('removes').notNull().default(false),
    effectiveAt: timestamp('effective_at', { withTimezone: true }).notNull(),
    announcedAt: timestamp('announced_at', { withTimezone: true }).notNull(),
    announcedBy: text('announced_by').notNull(),
    reason: text('reason').notNull(),
    /** When the benefit-changes job applied it (TierBenefitChangeApplied went out in the same transaction); null until then. */
    appliedAt: timestamp('applied_at', { withTimezone: true }),
  },
  (t) => [
    index('benefit_changes_effective_at_idx').on(t.effectiveAt),
    index('benefit_changes_pending_effective_at_idx')
      .on(t.effectiveAt)
      .where(sql`${t.appliedAt} is null`),
  ],
);

/** What staff changed in tiers: who, what, before and after, why. Written in the transaction of the change. */
export const staffOperations = tiersSchema.table(
  'staff_operations',
  {
    id: uuid('id').primaryKey(),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
    actorId: text('actor_id').notNull(),
    operation: text('operation').notNull(),
    targetType: text('target_type').notNull(),
    targetId: text('target_id').notNull(),
    before: jsonb('before'),
    after: jsonb('after'),
    reason: text('reason'),
    requestId: text('request_id'),
  },
  (t) => [index('staff_operations_occurred_at_id_idx').on(t.occurredAt, t.id)],
);

/** Events tiers has produced, waiting for the relay. */
export const outbox = outboxTable(tiersSchema);
/** Events tiers has consumed. */
export const inbox = inboxTable(tiersSchema);
