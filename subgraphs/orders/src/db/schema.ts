import { sql } from 'drizzle-orm';
import { char, check, index, integer, pgSchema, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { inboxTable, outboxTable } from '@membership/events';
import { ORDER_STATUSES } from '../domain/order-status.js';

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
    placedAt: timestamp('placed_at', { withTimezone: true }).notNull(),
    paidAt: timestamp('paid_at', { withTimezone: true }),
    /** When the member who placed it was erased; the order is then kept for tax without them. */
    erasedAt: timestamp('erased_at', { withTimezone: true }),
  },
  (t) => [
    index('orders_member_id_placed_at_id_idx').on(t.memberId, t.placedAt, t.id),
    check('orders_status_check', sql`${t.status} in ('PENDING', 'PAID', 'REFUNDED', 'CANCELLED')`),
    check('orders_total_amount_check', sql`${t.totalAmount} >= 0`),
    // An order belongs to a member or records that its member was erased, never neither or both.
    check('orders_member_or_erased_check', sql`(${t.memberId} is null) = (${t.erasedAt} is not null)`),
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

/** Events orders has produced (OrderPaid), waiting for the relay. */
export const outbox = outboxTable(ordersSchema);
/** Events orders has consumed. */
export const inbox = inboxTable(ordersSchema);
