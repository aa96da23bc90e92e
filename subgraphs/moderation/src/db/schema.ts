import { sql } from 'drizzle-orm';
import { check, index, pgSchema, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { inboxTable, outboxTable } from '@membership/events';
import { SANCTION_KINDS, SANCTION_STATUSES } from '../domain/standing.js';

export const moderation = pgSchema('moderation');

/** An SQL list of the domain's constant values (never client input). */
const listOf = (values: readonly string[]) => sql.raw(values.map((v) => `'${v}'`).join(', '));

/** Sanctions applied to members: warnings, restrictions, downgrades and bans, with their terms. */
export const sanctions = moderation.table(
  'sanctions',
  {
    id: uuid('id').primaryKey(),
    memberId: uuid('member_id').notNull(),
    kind: text('kind', { enum: SANCTION_KINDS }).notNull(),
    /** Why, in words the member is shown. */
    reason: text('reason').notNull(),
    status: text('status', { enum: SANCTION_STATUSES }).notNull(),
    startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
    /** Null: in force until lifted. */
    endsAt: timestamp('ends_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    index('sanctions_member_id_status_idx').on(t.memberId, t.status),
    check('sanctions_kind_check', sql`${t.kind} in (${listOf(SANCTION_KINDS)})`),
    check('sanctions_status_check', sql`${t.status} in (${listOf(SANCTION_STATUSES)})`),
    check('sanctions_ends_after_start_check', sql`${t.endsAt} is null or ${t.endsAt} > ${t.startsAt}`),
  ],
);

/** Events moderation has produced, waiting for the relay. */
export const outbox = outboxTable(moderation);
/** Events moderation has consumed. */
export const inbox = inboxTable(moderation);
