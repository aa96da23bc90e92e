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

/**
 * Who read a member's personal data: one row per viewer, owner and request, written by
 * the gateway before the response leaves. No foreign key to members: an access is a
 * fact even if the account is later erased, and one unknown owner must not fail the
 * whole batch the gateway writes.
 */
export const piiAccessLog = identity.table(
  'pii_access_log',
  {
    id: uuid('id').primaryKey(),
    accessedAt: timestamp('accessed_at', { withTimezone: true }).notNull(),
    /** staff | partner | member | service */
    viewerKind: text('viewer_kind').notNull(),
    viewerId: text('viewer_id').notNull(),
    /** What the viewer acted as: a staff member's scopes in short, a partner's name. */
    viewerRole: text('viewer_role'),
    /** Whose data was read. */
    ownerMemberId: uuid('owner_member_id').notNull(),
    /** Type.field coordinates, e.g. Member.email. */
    fields: text('fields').array().notNull(),
    categories: text('categories').array().notNull(),
    purpose: text('purpose'),
    operationName: text('operation_name'),
    requestId: text('request_id').notNull(),
  },
  (t) => [index('pii_access_log_owner_member_id_accessed_at_idx').on(t.ownerMemberId, t.accessedAt, t.id)],
);

/** Events identity has produced, waiting for the relay. */
export const outbox = outboxTable(identity);
/** Events identity has consumed. */
export const inbox = inboxTable(identity);
