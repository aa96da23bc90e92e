import { sql } from 'drizzle-orm';
import { check, index, integer, pgSchema, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { inboxTable, outboxTable } from '@membership/events';
import type { PointsReason } from '../domain/balance.js';

export const points = pgSchema('points');

/** One points account per member: the balance they can spend now, kept equal to the sum of their ledger. */
export const accounts = points.table(
  'accounts',
  {
    memberId: uuid('member_id').primaryKey(),
    balance: integer('balance').notNull().default(0),
    openedAt: timestamp('opened_at', { withTimezone: true }).notNull(),
  },
  // The domain keeps the balance from going negative; the database refuses it too.
  (t) => [check('accounts_balance_check', sql`${t.balance} >= 0`)],
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
    /** Points added (> 0) or taken (< 0). */
    delta: integer('delta').notNull(),
    reason: text('reason').$type<PointsReason>().notNull(),
    idempotencyKey: text('idempotency_key').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    uniqueIndex('ledger_idempotency_key_idx').on(t.idempotencyKey),
    index('ledger_member_id_created_at_id_idx').on(t.memberId, t.createdAt, t.id),
    check('ledger_delta_check', sql`${t.delta} <> 0`),
  ],
);

/** Events points has produced, waiting for the relay. */
export const outbox = outboxTable(points);
/** Events points has consumed. */
export const inbox = inboxTable(points);
