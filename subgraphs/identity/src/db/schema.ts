import { integer, pgSchema, text, timestamp, uniqueIndex, uuid, index } from 'drizzle-orm/pg-core';
import { inboxTable, outboxTable } from '@membership/events';

export const identity = pgSchema('identity');

/** Member accounts: how they sign in and what they chose to be called. */
export const members = identity.table(
  'members',
  {
    id: uuid('id').primaryKey(),
    displayName: text('display_name').notNull(),
    /** Lower-cased; unique among members who have one. */
    email: text('email'),
    /** E.164; unique among members who have one. */
    phone: text('phone'),
    passwordHash: text('password_hash').notNull(),
    failedLogins: integer('failed_logins').notNull().default(0),
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    registeredAt: timestamp('registered_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    uniqueIndex('members_email_idx').on(t.email),
    uniqueIndex('members_phone_idx').on(t.phone),
    index('members_registered_at_id_idx').on(t.registeredAt, t.id),
  ],
);

/** Events identity has produced, waiting for the relay. */
export const outbox = outboxTable(identity);
/** Events identity has consumed. */
export const inbox = inboxTable(identity);
