import { sql } from 'drizzle-orm';
import { char, check, index, integer, jsonb, pgSchema, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { inboxTable, outboxTable } from '@membership/events';
import {
  INVOICE_KINDS,
  ORDER_STATUSES,
  PAYMENT_METHOD_CODES,
  PAYMENT_STATUSES,
  REFUND_REASONS,
  REFUND_STATUSES,
  RISK_FLAG_KINDS,
  RISK_FLAG_STATUSES,
} from '../domain/order-status.js';

const inList = (values: readonly string[]) => sql.raw(values.map((v) => `'${v}'`).join(', '));

export const ordersSchema = pgSchema('orders');

/**
 * Orders members placed: who, how much in which currency, and where each stands. An
 * erased member's orders stay for tax, unlinked: no member id, only when it was erased.
 */
export const orders = ordersSchema.table(
  'orders',
  {
    id: uuid('id').primaryKey(),
    /** The member in identity; no foreign key across schemas. Null once the member is erased. */
    memberId: uuid('member_id'),
    status: text('status', { enum: ORDER_STATUSES }).notNull(),
    /** Sum of the lines, in minor units of `currency` (fen for CNY). */
    totalAmount: integer('total_amount').notNull(),
    /** ISO 4217 code, upper case. */
    currency: char('currency', { length: 3 }).notNull(),
    /** Sum of the discounts granted, in minor units; never more than the lines. */
    discountAmount: integer('discount_amount').notNull().default(0),
    /** The discounts as granted: [{ code, amount }]. */
    discounts: jsonb('discounts').$type<{ code: string; amount: number }[]>().notNull().default([]),
    /** Points spent on the order through points' hold, and the money they took off. */
    pointsUsed: integer('points_used').notNull().default(0),
    pointsDiscountAmount: integer('points_discount_amount').notNull().default(0),
    /** Points' hold for the offset; points commits it on OrderPaid, releases it on OrderCancelled. */
    pointsHoldId: uuid('points_hold_id'),
    /** Money to pay: lines minus discounts minus the points offset. */
    amountDue: integer('amount_due').notNull(),
    /** Money actually paid (0 until paid; 0 for points only). */
    paidAmount: integer('paid_amount').notNull().default(0),
    paymentMethod: text('payment_method', { enum: PAYMENT_METHOD_CODES }),
    /** Where to ship; the member's location (PII). Null for orders from before checkout existed. */
    shippingAddress: text('shipping_address'),
    /** The member's key for this checkout: a replay returns this order. */
    idempotencyKey: text('idempotency_key'),
    placedAt: timestamp('placed_at', { withTimezone: true }).notNull(),
    /** An order still unpaid at this time is cancelled by the payment-deadline job. */
    paymentDeadlineAt: timestamp('payment_deadline_at', { withTimezone: true }),
    paidAt: timestamp('paid_at', { withTimezone: true }),
    /** Refund requests are taken until then. */
    returnWindowEndsAt: timestamp('return_window_ends_at', { withTimezone: true }),
    cancelledAt: timestamp('cancelled_at', { withTimezone: true }),
    /** Where the order goes back to when its refund requests close with nothing refunded. */
    resumeStatus: text('resume_status', { enum: ORDER_STATUSES }),
    /** Money refunded so far (completed refunds) and offset points given back with them. */
    refundedAmount: integer('refunded_amount').notNull().default(0),
    pointsRestored: integer('points_restored').notNull().default(0),
    /** When the member who placed it was erased; the order is then kept for tax without them. */
    erasedAt: timestamp('erased_at', { withTimezone: true }),
    /** The share code of the product link the order came through (points issued it to the sharer), if any. */
    shareCode: text('share_code'),
    /**
     * When the orders.tax-retention job removed the last links to the erased member (after
     * ORDERS_TAX_RETENTION_YEARS): only the amounts the books need remain.
     */
    taxUnlinkedAt: timestamp('tax_unlinked_at', { withTimezone: true }),
  },
  (t) => [
    index('orders_member_id_placed_at_id_idx').on(t.memberId, t.placedAt, t.id),
    uniqueIndex('orders_member_id_idempotency_key_idx').on(t.memberId, t.idempotencyKey),
    index('orders_status_payment_deadline_at_idx').on(t.status, t.paymentDeadlineAt),
    check('orders_status_check', sql`${t.status} in (${inList(ORDER_STATUSES)})`),
    check('orders_total_amount_check', sql`${t.totalAmount} >= 0`),
    check('orders_amounts_check', sql`${t.amountDue} >= 0 and ${t.paidAmount} >= 0 and ${t.discountAmount} >= 0 and ${t.pointsUsed} >= 0`),
    // The guarantee behind every refund: never more money back than was paid, nor more points than were used.
    check('orders_refunded_amount_check', sql`${t.refundedAmount} >= 0 and ${t.refundedAmount} <= ${t.paidAmount}`),
    check('orders_points_restored_check', sql`${t.pointsRestored} >= 0 and ${t.pointsRestored} <= ${t.pointsUsed}`),
    // An order belongs to a member or records that its member was erased, never neither or both.
    check('orders_member_or_erased_check', sql`(${t.memberId} is null) = (${t.erasedAt} is not null)`),
    // What the tax retention job looks for: erased members' orders it has not unlinked yet.
    index('orders_placed_at_idx')
      .on(t.placedAt)
      .where(sql`erased_at is not null and tax_unlinked_at is null`),
  ],
);

/** What an order consists of: one row per product, with its price when the order was placed. */
export const orderLines = ordersSchema.table(
  'order_lines',
  {
    id: uuid('id').primaryKey(),
    orderId: uuid('order_id')
      .notNull()
      .references(() => orders.id, { onDelete: 'cascade' }),
    /** Where the line sits in the order, from 1, so lines read back in the order they were placed. */
    position: integer('position').notNull(),
    sku: text('sku').notNull(),
    title: text('title').notNull(),
    quantity: integer('quantity').notNull(),
    /** Price of one unit, in minor units of the order's currency. */
    unitAmount: integer('unit_amount').notNull(),
  },
  (t) => [
    uniqueIndex('order_lines_order_id_position_idx').on(t.orderId, t.position),
    check('order_lines_quantity_check', sql`${t.quantity} > 0`),
    check('order_lines_unit_amount_check', sql`${t.unitAmount} >= 0`),
  ],
);

/**
 * Attempts to pay an order: how, for how much, and what the provider answered. Only the
 * provider's reference and the card's last four digits are kept, never card data.
 */
export const payments = ordersSchema.table(
  'payments',
  {
    id: uuid('id').primaryKey(),
    orderId: uuid('order_id')
      .notNull()
      .references(() => orders.id, { onDelete: 'cascade' }),
    /** Whose order it was; null once the member is erased (like the order). */
    memberId: uuid('member_id'),
    method: text('method', { enum: PAYMENT_METHOD_CODES }).notNull(),
    status: text('status', { enum: PAYMENT_STATUSES }).notNull(),
    amount: integer('amount').notNull(),
    currency: char('currency', { length: 3 }).notNull(),
    /** The caller's key for this attempt: a replay returns this payment. */
    idempotencyKey: text('idempotency_key').notNull(),
    provider: text('provider').notNull(),
    providerReference: text('provider_reference'),
    last4: char('last4', { length: 4 }),
    /** The provider's opaque fingerprint of the card (not card data): many accounts on one card raise a flag. */
    instrumentFingerprint: text('instrument_fingerprint'),
    /** The device the member paid from, as the app reports it: many accounts on one device raise a flag. */
    deviceFingerprint: text('device_fingerprint'),
    /** Staff who recorded an offline payment. */
    recordedBy: text('recorded_by'),
    failureReason: text('failure_reason'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    settledAt: timestamp('settled_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('payments_order_id_idempotency_key_idx').on(t.orderId, t.idempotencyKey),
    index('payments_instrument_fingerprint_idx').on(t.instrumentFingerprint),
    index('payments_device_fingerprint_idx').on(t.deviceFingerprint),
    check('payments_amount_check', sql`${t.amount} >= 0`),
    check('payments_status_check', sql`${t.status} in (${inList(PAYMENT_STATUSES)})`),
  ],
);

/**
 * Refund and return requests: what the member asked back and why, the staff decision
 * (or the automatic one), and the refund paid by the original route.
 */
export const refunds = ordersSchema.table(
  'refunds',
  {
    id: uuid('id').primaryKey(),
    orderId: uuid('order_id')
      .notNull()
      .references(() => orders.id, { onDelete: 'cascade' }),
    memberId: uuid('member_id'),
    status: text('status', { enum: REFUND_STATUSES }).notNull(),
    reason: text('reason', { enum: REFUND_REASONS }).notNull(),
    note: text('note'),
    /** References to uploaded photos or documents, as the member gave them. */
    evidence: jsonb('evidence').$type<string[]>().notNull().default([]),
    /** Lines asked back ([{ lineId, quantity }]); empty for the whole order. */
    lines: jsonb('lines').$type<{ lineId: string; quantity: number }[]>().notNull().default([]),
    /** Money asked back, and money granted (less on a partial approval). */
    amount: integer('amount').notNull(),
    approvedAmount: integer('approved_amount'),
    /** Offset points given back with this refund. */
    pointsRestored: integer('points_restored').notNull().default(0),
    idempotencyKey: text('idempotency_key').notNull(),
    /** Staff id, or 'auto' for an automatic approval. */
    decidedBy: text('decided_by'),
    decisionReason: text('decision_reason'),
    providerReference: text('provider_reference'),
    requestedAt: timestamp('requested_at', { withTimezone: true }).notNull(),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    completedAt: timestamp('completed_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('refunds_order_id_idempotency_key_idx').on(t.orderId, t.idempotencyKey),
    index('refunds_order_id_idx').on(t.orderId),
    index('refunds_member_id_requested_at_idx').on(t.memberId, t.requestedAt),
    index('refunds_status_requested_at_idx').on(t.status, t.requestedAt),
    check('refunds_amount_check', sql`${t.amount} >= 0 and (${t.approvedAmount} is null or ${t.approvedAmount} between 0 and ${t.amount})`),
    check('refunds_status_check', sql`${t.status} in (${inList(REFUND_STATUSES)})`),
  ],
);

/** Invoices members asked for: one per order, to a person or a company (company name and tax id are PII). */
export const invoices = ordersSchema.table(
  'invoices',
  {
    id: uuid('id').primaryKey(),
    orderId: uuid('order_id')
      .notNull()
      .references(() => orders.id, { onDelete: 'cascade' }),
    memberId: uuid('member_id'),
    /** Sequential-looking number shown on the invoice. */
    number: text('number').notNull(),
    kind: text('kind', { enum: INVOICE_KINDS }).notNull(),
    companyName: text('company_name'),
    taxId: text('tax_id'),
    amount: integer('amount').notNull(),
    currency: char('currency', { length: 3 }).notNull(),
    issuedAt: timestamp('issued_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    uniqueIndex('invoices_order_id_idx').on(t.orderId),
    // A company invoice names the company, until the tax retention job unlinks an erased member's order.
    check(
      'invoices_company_check',
      sql`(${t.kind} = 'COMPANY') = (${t.companyName} is not null and ${t.taxId} is not null) or (${t.memberId} is null and ${t.companyName} is null and ${t.taxId} is null)`,
    ),
  ],
);

/** Members' reviews of their own paid orders: one per order, a rating and an optional comment. */
export const orderReviews = ordersSchema.table(
  'order_reviews',
  {
    orderId: uuid('order_id')
      .primaryKey()
      .references(() => orders.id, { onDelete: 'cascade' }),
    /** Who reviewed; null once the member is erased (the comment goes with them). */
    memberId: uuid('member_id'),
    rating: integer('rating').notNull(),
    comment: text('comment'),
    reviewedAt: timestamp('reviewed_at', { withTimezone: true }).notNull(),
  },
  (t) => [check('order_reviews_rating_check', sql`${t.rating} between 1 and 5`)],
);

/**
 * Orders' projection of sanctions in force (from SanctionApplied / SanctionLifted): who is
 * in good standing for automatic refund approval. A lift that arrives first is kept, so
 * the late SanctionApplied does not bring the sanction back.
 */
export const memberSanctions = ordersSchema.table(
  'member_sanctions',
  {
    sanctionId: uuid('sanction_id').primaryKey(),
    memberId: uuid('member_id').notNull(),
    kind: text('kind').notNull(),
    endsAt: timestamp('ends_at', { withTimezone: true }),
    appliedAt: timestamp('applied_at', { withTimezone: true }),
    liftedAt: timestamp('lifted_at', { withTimezone: true }),
  },
  (t) => [index('member_sanctions_member_id_idx').on(t.memberId)],
);

/** Risk flags raised on orders, payments and refunds, for staff with risk:review; a flag never blocks anyone by itself. */
export const riskFlags = ordersSchema.table(
  'risk_flags',
  {
    id: uuid('id').primaryKey(),
    memberId: uuid('member_id'),
    kind: text('kind', { enum: RISK_FLAG_KINDS }).notNull(),
    /** Why, in words for staff (counts, windows, ids). */
    reason: text('reason').notNull(),
    orderId: uuid('order_id').references(() => orders.id, { onDelete: 'set null' }),
    status: text('status', { enum: RISK_FLAG_STATUSES }).notNull(),
    /** One open flag per kind and subject: repeated checks do not pile up. */
    dedupeKey: text('dedupe_key').notNull(),
    raisedAt: timestamp('raised_at', { withTimezone: true }).notNull(),
    decidedBy: text('decided_by'),
    decisionNote: text('decision_note'),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('risk_flags_dedupe_key_idx').on(t.dedupeKey), index('risk_flags_status_raised_at_idx').on(t.status, t.raisedAt)],
);

/** Events orders has produced (OrderPaid), waiting for the relay. */
export const outbox = outboxTable(ordersSchema);
/** Events orders has consumed. */
export const inbox = inboxTable(ordersSchema);
