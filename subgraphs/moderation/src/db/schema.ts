import { sql } from 'drizzle-orm';
import { check, index, pgSchema, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { inboxTable, outboxTable } from '@membership/events';
import { SANCTION_KINDS, SANCTION_STATUSES } from '../domain/standing.js';

export const moderation = pgSchema('moderation');

/** An SQL list of the domain's constant values (never client input). */
const listOf = (values: readonly string[]) => sql.raw(values.map((v) => `'${v}'`).join(', '));

/**
 * Sanctions applied to members: warnings, restrictions, downgrades and bans, with their
 * terms. An erased member's sanctions stay as anonymous statistics: no member id, no
 * reason, only when the member was erased.
 */
export const sanctions = moderation.table(
  'sanctions',
  {
    id: uuid('id').primaryKey(),
    /** The member in identity; no foreign key across schemas. Null once the member is erased. */
    memberId: uuid('member_id'),
    kind: text('kind', { enum: SANCTION_KINDS }).notNull(),
    /** Why, in words the member is shown. Null once the member is erased (it may describe them). */
    reason: text('reason'),
    status: text('status', { enum: SANCTION_STATUSES }).notNull(),
    startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
    /** Null: in force until lifted. */
    endsAt: timestamp('ends_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    /** When the sanctioned member was erased; the row is then anonymous. */
    erasedAt: timestamp('erased_at', { withTimezone: true }),
  },
  (t) => [
    index('sanctions_member_id_status_idx').on(t.memberId, t.status),
    check('sanctions_kind_check', sql`${t.kind} in (${listOf(SANCTION_KINDS)})`),
    check('sanctions_status_check', sql`${t.status} in (${listOf(SANCTION_STATUSES)})`),
    check('sanctions_ends_after_start_check', sql`${t.endsAt} is null or ${t.endsAt} > ${t.startsAt}`),
    // A sanction names its member and reason, or records that its member was erased and has neither.
    check(
      'sanctions_member_or_erased_check',
      sql`(${t.erasedAt} is null and ${t.memberId} is not null and ${t.reason} is not null) or (${t.erasedAt} is not null and ${t.memberId} is null and ${t.reason} is null)`,
    ),
  ],
);

/** Events moderation has produced, waiting for the relay. */
export const outbox = outboxTable(moderation);
/** Events moderation has consumed. */
export const inbox = inboxTable(moderation);
