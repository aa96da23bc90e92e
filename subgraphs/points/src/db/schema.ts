import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, jsonb, pgSchema, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { inboxTable, outboxTable } from '@membership/events';
import type { EntryKind, EntrySource, PointsReason } from '../domain/balance.js';

export const points = pgSchema('points');

/**
 * One points account per member: the balance they can spend now (kept equal to the sum of
 * their ledger's deltas) and the debt a clawback left (the sum of the ledger's debt deltas).
 */
export const accounts = points.table(
  'accounts',
  {
    memberId: uuid('member_id').primaryKey(),
    balance: integer('balance').notNull().default(0),
    debt: integer('debt').notNull().default(0),
    /** The IANA time zone whose calendar decides the member's check-in days; null until first set. */
    timeZone: text('time_zone'),
    /** The name shown on the monthly leaderboard; null means the member has not opted in. */
    leaderboardName: text('leaderboard_name'),
    openedAt: timestamp('opened_at', { withTimezone: true }).notNull(),
  },
  // The domain keeps the balance from going negative; the database refuses it too.
  (t) => [check('accounts_balance_check', sql`${t.balance} >= 0`), check('accounts_debt_check', sql`${t.debt} >= 0`)],
);

/** Every change to a member's points, append-only; the idempotency key makes each change happen once. */
export const ledger = points.table(
  'ledger',
  {
    id: uuid('id').primaryKey(),
    // Restrict: the ledger is the record of points; an account with entries is never deleted silently.
    memberId: uuid('member_id')
      .notNull()
      .references(() => accounts.memberId, { onDelete: 'restrict' }),
    /** earn | redeem | expire | adjust | clawback | restore | reverse */
    kind: text('kind').$type<EntryKind>().notNull().default('adjust'),
    /** Points added to (> 0) or taken from (< 0) the spendable balance. */
    delta: integer('delta').notNull(),
    /** Points added to (> 0) or paid off (< 0) the member's debt. */
    debtDelta: integer('debt_delta').notNull().default(0),
    reason: text('reason').$type<PointsReason>().notNull(),
    /** What caused it: order, task, campaign, staff, store, lottery, system. */
    source: text('source').$type<EntrySource>().notNull().default('system'),
    /** The order, hold, item or staff member it came from, when there is one. */
    sourceId: text('source_id'),
    /** Staff's stated reason for an adjustment or grant. */
    note: text('note'),
    idempotencyKey: text('idempotency_key').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    uniqueIndex('ledger_idempotency_key_idx').on(t.idempotencyKey),
    index('ledger_member_id_created_at_id_idx').on(t.memberId, t.createdAt, t.id),
    check('ledger_delta_check', sql`${t.delta} <> 0 or ${t.debtDelta} <> 0`),
  ],
);

/** Points earned together, expiring together: what spending, expiry and restores draw on. */
export const lots = points.table(
  'lots',
  {
    id: uuid('id').primaryKey(),
    memberId: uuid('member_id')
      .notNull()
      .references(() => accounts.memberId, { onDelete: 'restrict' }),
    /** The earn entry that made the lot. */
    entryId: uuid('entry_id')
      .notNull()
      .references(() => ledger.id, { onDelete: 'restrict' }),
    points: integer('points').notNull(),
    remaining: integer('remaining').notNull(),
    earnedAt: timestamp('earned_at', { withTimezone: true }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    /**
     * The expire entry that took what was left, once the lot expired. No foreign key: the
     * expiry job sets it on up to millions of rows in one statement, and a key check per row
     * doubled its time; the job writes the entry in the same statement.
     */
    expiredEntryId: uuid('expired_entry_id'),
  },
  (t) => [
    check('lots_remaining_check', sql`${t.remaining} >= 0 and ${t.remaining} <= ${t.points}`),
    index('lots_member_id_expires_at_idx')
      .on(t.memberId, t.expiresAt)
      .where(sql`${t.remaining} > 0`),
    index('lots_expires_at_idx')
      .on(t.expiresAt)
      .where(sql`${t.remaining} > 0`),
    // The order's own lot on a clawback, and the key check when an entry is deleted (erasure).
    index('lots_entry_id_idx').on(t.entryId),
  ],
);

/** Which lots each spending took points from (> 0) and each restore gave them back to (< 0). */
export const lotUsages = points.table(
  'lot_usages',
  {
    id: uuid('id').primaryKey(),
    entryId: uuid('entry_id')
      .notNull()
      .references(() => ledger.id, { onDelete: 'restrict' }),
    lotId: uuid('lot_id')
      .notNull()
      .references(() => lots.id, { onDelete: 'restrict' }),
    /** The hold the spending belongs to, when it was one; restores for the hold name it too. */
    holdId: uuid('hold_id'),
    points: integer('points').notNull(),
  },
  (t) => [
    index('lot_usages_entry_id_idx').on(t.entryId),
    index('lot_usages_hold_id_idx').on(t.holdId),
    index('lot_usages_lot_id_idx').on(t.lotId),
    check('lot_usages_points_check', sql`${t.points} <> 0`),
  ],
);

/**
 * Points reserved for an order (or a redemption): taken from lots at once (a `redeem` entry),
 * then committed when the order is paid, or given back (a `reverse` entry) when it is
 * cancelled or the hold runs out.
 */
export const holds = points.table(
  'holds',
  {
    id: uuid('id').primaryKey(),
    memberId: uuid('member_id')
      .notNull()
      .references(() => accounts.memberId, { onDelete: 'restrict' }),
    orderId: uuid('order_id'),
    points: integer('points').notNull(),
    discountAmount: integer('discount_amount').notNull(),
    orderAmount: integer('order_amount').notNull(),
    currency: text('currency').notNull(),
    /** held | committed | released */
    status: text('status').$type<'held' | 'committed' | 'released'>().notNull(),
    /** The redeem entry that took the points. */
    entryId: uuid('entry_id')
      .notNull()
      .references(() => ledger.id, { onDelete: 'restrict' }),
    /** Points given back by refunds of the order since it was committed. */
    restored: integer('restored').notNull().default(0),
    idempotencyKey: text('idempotency_key').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    settledAt: timestamp('settled_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('holds_idempotency_key_idx').on(t.idempotencyKey),
    index('holds_order_id_idx').on(t.orderId),
    index('holds_expires_at_idx')
      .on(t.expiresAt)
      .where(sql`${t.status} = 'held'`),
  ],
);

/**
 * What each paid order earned: pending until its return window ends, then available (an
 * earn entry and a lot), or cancelled by refunds; `clawed` is what refunds took back.
 */
export const orderEarnings = points.table(
  'order_earnings',
  {
    orderId: uuid('order_id').primaryKey(),
    memberId: uuid('member_id')
      .notNull()
      .references(() => accounts.memberId, { onDelete: 'restrict' }),
    orderAmount: integer('order_amount').notNull(),
    currency: text('currency').notNull(),
    points: integer('points').notNull(),
    tierPercent: integer('tier_percent').notNull(),
    campaignPercent: integer('campaign_percent').notNull(),
    /** pending | available | cancelled */
    status: text('status').$type<'pending' | 'available' | 'cancelled'>().notNull(),
    availableAt: timestamp('available_at', { withTimezone: true }).notNull(),
    /** Money refunded so far, and the points that took back. */
    refunded: integer('refunded').notNull().default(0),
    clawed: integer('clawed').notNull().default(0),
    /** The earn entry, once available. */
    entryId: uuid('entry_id').references(() => ledger.id, { onDelete: 'restrict' }),
    paidAt: timestamp('paid_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    index('order_earnings_available_at_idx')
      .on(t.availableAt)
      .where(sql`${t.status} = 'pending'`),
    index('order_earnings_member_id_idx').on(t.memberId),
  ],
);

/** Each member's tier and its earning multiplier, from tiers' TierChanged events. */
export const memberTiers = points.table('member_tiers', {
  memberId: uuid('member_id').primaryKey(),
  tier: text('tier').notNull(),
  multiplierPercent: integer('multiplier_percent').notNull(),
  changedAt: timestamp('changed_at', { withTimezone: true }).notNull(),
});

/**
 * Each tier's earning multiplier as the last TierBenefitChangeApplied set it, with the date it
 * applied from: a TierChanged told before that date but delivered after it takes this one.
 */
export const tierMultipliers = points.table('tier_multipliers', {
  tier: text('tier').primaryKey(),
  multiplierPercent: integer('multiplier_percent').notNull(),
  appliedAt: timestamp('applied_at', { withTimezone: true }).notNull(),
});

/** Sanctions from moderation's SanctionApplied (a row) and SanctionLifted (marked lifted). */
export const memberSanctions = points.table(
  'member_sanctions',
  {
    sanctionId: uuid('sanction_id').primaryKey(),
    memberId: uuid('member_id').notNull(),
    kind: text('kind').notNull(),
    endsAt: timestamp('ends_at', { withTimezone: true }),
    /** Set when SanctionLifted arrives (even before its SanctionApplied), so a late Applied does not revive it. */
    liftedAt: timestamp('lifted_at', { withTimezone: true }),
  },
  (t) => [index('member_sanctions_member_id_idx').on(t.memberId)],
);

/** Each member's verification level, from identity's MemberVerificationChanged. */
export const memberVerifications = points.table('member_verifications', {
  memberId: uuid('member_id').primaryKey(),
  level: text('level').notNull(),
  expiresAt: timestamp('expires_at', { withTimezone: true }),
  /** True while the member refused verification (or a submission was found false): verified features stay closed. */
  refused: boolean('refused').notNull().default(false),
});

/**
 * Staff operations on points (adjustments, grants, store and lottery changes). Identity's
 * staff operation log lives in identity's schema, which points cannot write, so points keeps its own.
 */
export const staffOperations = points.table(
  'staff_operations',
  {
    id: uuid('id').primaryKey(),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
    staffId: text('staff_id').notNull(),
    operation: text('operation').notNull(),
    targetType: text('target_type').notNull(),
    targetId: text('target_id').notNull(),
    reason: text('reason'),
    after: text('after'),
  },
  (t) => [index('staff_operations_occurred_at_idx').on(t.occurredAt)],
);

/** Which members were told (PointsExpiring) about points expiring at which instant: told once per date. */
export const expiryNotices = points.table(
  'expiry_notices',
  {
    memberId: uuid('member_id').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    points: integer('points').notNull(),
    noticedAt: timestamp('noticed_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.memberId, t.expiresAt] })],
);

/** Versions of the published earning rules; a change is a new row starting at least the notice period ahead. */
export const earningRules = points.table(
  'earning_rules',
  {
    id: uuid('id').primaryKey(),
    code: text('code').notNull(),
    points: integer('points').notNull(),
    dailyCap: integer('daily_cap'),
    totalCap: integer('total_cap'),
    effectiveFrom: timestamp('effective_from', { withTimezone: true }).notNull(),
    announcedAt: timestamp('announced_at', { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex('earning_rules_code_effective_from_idx').on(t.code, t.effectiveFrom)],
);

/** Points campaigns (holidays): a multiplier on order points while they run. */
export const campaigns = points.table(
  'campaigns',
  {
    id: uuid('id').primaryKey(),
    name: text('name').notNull(),
    multiplierPercent: integer('multiplier_percent').notNull(),
    startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
    endsAt: timestamp('ends_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    index('campaigns_starts_at_ends_at_idx').on(t.startsAt, t.endsAt),
    check('campaigns_multiplier_check', sql`${t.multiplierPercent} >= 100`),
  ],
);

/** Points given under a rule (tasks, referrals, suggestions, check-ins), by UTC day: what the caps count. */
export const ruleAwards = points.table(
  'rule_awards',
  {
    entryId: uuid('entry_id')
      .primaryKey()
      .references(() => ledger.id, { onDelete: 'restrict' }),
    memberId: uuid('member_id').notNull(),
    rule: text('rule').notNull(),
    day: text('day').notNull(),
    points: integer('points').notNull(),
  },
  (t) => [index('rule_awards_member_id_rule_day_idx').on(t.memberId, t.rule, t.day)],
);

/** One row per member per local day they checked in, with the streak it continued. */
export const checkIns = points.table(
  'check_ins',
  {
    memberId: uuid('member_id').notNull(),
    day: text('day').notNull(),
    streak: integer('streak').notNull(),
    points: integer('points').notNull(),
    checkedAt: timestamp('checked_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.memberId, t.day] })],
);

/** Who referred whom; both earn when the referee's first order is paid. */
export const referrals = points.table('referrals', {
  refereeId: uuid('referee_id').primaryKey(),
  referrerId: uuid('referrer_id').notNull(),
  recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull(),
  rewardedAt: timestamp('rewarded_at', { withTimezone: true }),
});

/** What the points store offers: stock never below zero, a list price and lower tier prices. */
export const storeItems = points.table(
  'store_items',
  {
    id: uuid('id').primaryKey(),
    kind: text('kind').notNull(),
    title: text('title').notNull(),
    pricePoints: integer('price_points').notNull(),
    tierPrices: jsonb('tier_prices').$type<Record<string, number>>().notNull().default({}),
    stock: integer('stock').notNull(),
    perMemberLimit: integer('per_member_limit'),
    validFrom: timestamp('valid_from', { withTimezone: true }).notNull(),
    validUntil: timestamp('valid_until', { withTimezone: true }),
  },
  (t) => [check('store_items_stock_check', sql`${t.stock} >= 0`)],
);

/** Each redemption in the store: the item, the points paid (a redeem entry), once per key. */
export const redemptions = points.table(
  'redemptions',
  {
    id: uuid('id').primaryKey(),
    itemId: uuid('item_id')
      .notNull()
      .references(() => storeItems.id, { onDelete: 'restrict' }),
    memberId: uuid('member_id')
      .notNull()
      .references(() => accounts.memberId, { onDelete: 'restrict' }),
    points: integer('points').notNull(),
    entryId: uuid('entry_id')
      .notNull()
      .references(() => ledger.id, { onDelete: 'restrict' }),
    idempotencyKey: text('idempotency_key').notNull(),
    redeemedAt: timestamp('redeemed_at', { withTimezone: true }).notNull(),
    /**
     * committed (the member has it), held (an item that needs fulfilment: stock and points
     * reserved until staff fulfil it), released (cancelled or not fulfilled in time: stock
     * and the exact lots given back).
     */
    status: text('status').$type<'held' | 'committed' | 'released'>().notNull().default('committed'),
    /** When a held redemption is released if staff have not fulfilled it. */
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    settledAt: timestamp('settled_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('redemptions_idempotency_key_idx').on(t.idempotencyKey),
    index('redemptions_member_id_item_id_idx').on(t.memberId, t.itemId),
    index('redemptions_expires_at_idx')
      .on(t.expiresAt)
      .where(sql`${t.status} = 'held'`),
  ],
);

/** Share codes members asked for, one per member and product: an order placed through one rewards its sharer. */
export const shareCodes = points.table(
  'share_codes',
  {
    code: text('code').primaryKey(),
    // Restrict: a code names a member; erasure deletes their codes first.
    memberId: uuid('member_id')
      .notNull()
      .references(() => accounts.memberId, { onDelete: 'restrict' }),
    productSku: text('product_sku').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex('share_codes_member_id_product_sku_idx').on(t.memberId, t.productSku)],
);

/**
 * Every refund points has seen (RefundCompleted), by refund id, so each is applied exactly
 * once: at once, or, when it overtook its order's OrderPaid, kept (applied_at null) and
 * applied when the OrderPaid arrives.
 */
export const orderRefunds = points.table(
  'order_refunds',
  {
    refundId: uuid('refund_id').primaryKey(),
    orderId: uuid('order_id').notNull(),
    memberId: uuid('member_id').notNull(),
    /** The RefundCompleted payload as it came. */
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull(),
    appliedAt: timestamp('applied_at', { withTimezone: true }),
  },
  (t) => [
    index('order_refunds_order_id_idx')
      .on(t.orderId)
      .where(sql`${t.appliedAt} is null`),
    index('order_refunds_member_id_idx').on(t.memberId),
  ],
);

/** Lotteries: entry cost, odds, and the seed every draw is computed from (its hash published at creation). */
export const lotteries = points.table('lotteries', {
  id: uuid('id').primaryKey(),
  title: text('title').notNull(),
  entryCost: integer('entry_cost').notNull(),
  loseWeight: integer('lose_weight').notNull(),
  seed: text('seed').notNull(),
  seedHash: text('seed_hash').notNull(),
  /** Entries so far: the next entry draws number entries + 1. */
  entries: integer('entries').notNull().default(0),
  opensAt: timestamp('opens_at', { withTimezone: true }).notNull(),
  closesAt: timestamp('closes_at', { withTimezone: true }).notNull(),
});

/** A lottery's prizes: never awarded more often than their count. */
export const lotteryPrizes = points.table(
  'lottery_prizes',
  {
    id: uuid('id').primaryKey(),
    lotteryId: uuid('lottery_id')
      .notNull()
      .references(() => lotteries.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    count: integer('count').notNull(),
    weight: integer('weight').notNull(),
    awarded: integer('awarded').notNull().default(0),
  },
  (t) => [
    check('lottery_prizes_awarded_check', sql`${t.awarded} >= 0 and ${t.awarded} <= ${t.count}`),
    index('lottery_prizes_lottery_id_idx').on(t.lotteryId),
  ],
);

/** Each lottery entry: its number in the draw, what it won, the points it cost. */
export const lotteryEntries = points.table(
  'lottery_entries',
  {
    id: uuid('id').primaryKey(),
    lotteryId: uuid('lottery_id')
      .notNull()
      .references(() => lotteries.id, { onDelete: 'restrict' }),
    memberId: uuid('member_id')
      .notNull()
      .references(() => accounts.memberId, { onDelete: 'restrict' }),
    n: integer('n').notNull(),
    prizeId: uuid('prize_id').references(() => lotteryPrizes.id, { onDelete: 'restrict' }),
    entryId: uuid('entry_id')
      .notNull()
      .references(() => ledger.id, { onDelete: 'restrict' }),
    idempotencyKey: text('idempotency_key').notNull(),
    enteredAt: timestamp('entered_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    uniqueIndex('lottery_entries_idempotency_key_idx').on(t.idempotencyKey),
    uniqueIndex('lottery_entries_lottery_id_n_idx').on(t.lotteryId, t.n),
  ],
);

/** Events points has produced, waiting for the relay. */
export const outbox = outboxTable(points);
/** Events points has consumed. */
export const inbox = inboxTable(points);
