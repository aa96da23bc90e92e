import { sql } from 'drizzle-orm';
import { check, index, integer, jsonb, pgSchema, smallint, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { inboxTable, outboxTable } from '@membership/events';
import { SANCTION_LIFT_REASONS, TIER_CODES } from '@membership/events';
import { COMPLAINT_CATEGORIES, COMPLAINT_CHANNELS, COMPLAINT_PRIORITIES, COMPLAINT_STATUSES } from '../domain/complaints.js';
import { SEVERITIES } from '../domain/ladder.js';
import { REPORT_CATEGORIES, REPORT_STATUSES } from '../domain/reports.js';
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
    /** The violation it answers; null for sanctions from before violations were recorded (the seed). */
    violationId: uuid('violation_id'),
    /** When the member was told; the effect follows after the notice period. */
    announcedAt: timestamp('announced_at', { withTimezone: true }),
    /** The last moment an appeal is accepted. */
    appealUntil: timestamp('appeal_until', { withTimezone: true }),
    liftedAt: timestamp('lifted_at', { withTimezone: true }),
    liftReason: text('lift_reason', { enum: SANCTION_LIFT_REASONS }),
  },
  (t) => [
    index('sanctions_member_id_status_idx').on(t.memberId, t.status),
    // The job's two set-based passes: scheduled ones coming due, active ones running out.
    index('sanctions_status_starts_at_idx').on(t.status, t.startsAt),
    index('sanctions_status_ends_at_idx').on(t.status, t.endsAt),
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

/**
 * Violations staff recorded against members: what, how serious, the evidence, who recorded
 * it. An erased member's violations keep category, severity and dates only.
 */
export const violations = moderation.table(
  'violations',
  {
    id: uuid('id').primaryKey(),
    /** Null once the member is erased. */
    memberId: uuid('member_id'),
    category: text('category', { enum: REPORT_CATEGORIES }).notNull(),
    severity: text('severity', { enum: SEVERITIES }).notNull(),
    /** The evidence in words the member is shown; null once the member is erased. */
    evidence: text('evidence'),
    /** References to the evidence (content ids, order ids, file keys); empty once erased. */
    evidenceRefs: jsonb('evidence_refs').$type<string[]>().notNull(),
    /** The staff member who recorded it (never the one who decides its appeal). */
    recordedBy: text('recorded_by').notNull(),
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull(),
    /** The report it came from, if any. */
    reportId: uuid('report_id').references(() => reports.id, { onDelete: 'set null' }),
    /** 0-based ladder rung it reached. */
    rung: smallint('rung').notNull(),
    /** Set when an appeal reversed it: it no longer counts towards the ladder. */
    reversedAt: timestamp('reversed_at', { withTimezone: true }),
    erasedAt: timestamp('erased_at', { withTimezone: true }),
  },
  (t) => [index('violations_member_id_recorded_at_idx').on(t.memberId, t.recordedAt)],
);

/**
 * Reports of content or behaviour, one row per subject, content and category: repeated
 * reports fold in (submissions and reporters counted), the queue reads priority.
 */
export const reports = moderation.table(
  'reports',
  {
    id: uuid('id').primaryKey(),
    /** The reported member; null once erased. */
    subjectMemberId: uuid('subject_member_id'),
    /** What was reported beside whom (`review:…`); empty when the behaviour itself is reported. */
    contentRef: text('content_ref').notNull(),
    category: text('category', { enum: REPORT_CATEGORIES }).notNull(),
    status: text('status', { enum: REPORT_STATUSES }).notNull(),
    priority: integer('priority').notNull(),
    submissions: integer('submissions').notNull(),
    reporters: integer('reporters').notNull(),
    firstReportedAt: timestamp('first_reported_at', { withTimezone: true }).notNull(),
    lastReportedAt: timestamp('last_reported_at', { withTimezone: true }).notNull(),
    decidedBy: text('decided_by'),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
  },
  (t) => [
    // The queue: a status, highest priority first, oldest first among equals.
    index('reports_status_priority_first_reported_at_idx').on(t.status, t.priority.desc().nullsFirst(), t.firstReportedAt, t.id),
    index('reports_subject_member_id_category_idx').on(t.subjectMemberId, t.category, t.contentRef),
  ],
);

/** Each time someone reported: who (never shown to the reported member) and what they said. */
export const reportSubmissions = moderation.table(
  'report_submissions',
  {
    id: uuid('id').primaryKey(),
    reportId: uuid('report_id')
      .notNull()
      .references(() => reports.id, { onDelete: 'cascade' }),
    /** `member:<id>` or `staff:<id>`. */
    reporter: text('reporter').notNull(),
    /** The reporter's words; null once the reporter is erased. */
    details: text('details'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('report_submissions_report_id_idx').on(t.reportId), index('report_submissions_reporter_idx').on(t.reporter)],
);

/** Appeals members filed against sanctions, one per sanction, and how staff decided them. */
export const appeals = moderation.table(
  'appeals',
  {
    id: uuid('id').primaryKey(),
    sanctionId: uuid('sanction_id')
      .notNull()
      .references(() => sanctions.id, { onDelete: 'cascade', onUpdate: 'cascade' }),
    /** Null once the member is erased. */
    memberId: uuid('member_id'),
    statement: text('statement'),
    status: text('status', { enum: ['PENDING', 'UPHELD', 'REVERSED'] }).notNull(),
    filedAt: timestamp('filed_at', { withTimezone: true }).notNull(),
    decidedBy: text('decided_by'),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    decisionNote: text('decision_note'),
  },
  (t) => [uniqueIndex('appeals_sanction_id_idx').on(t.sanctionId), index('appeals_status_filed_at_idx').on(t.status, t.filedAt)],
);

/** Complaints and support requests, with their deadlines counted in business hours. */
export const complaints = moderation.table(
  'complaints',
  {
    id: uuid('id').primaryKey(),
    /** Null once the member is erased. */
    memberId: uuid('member_id'),
    channel: text('channel', { enum: COMPLAINT_CHANNELS }).notNull(),
    category: text('category', { enum: COMPLAINT_CATEGORIES }).notNull(),
    priority: text('priority', { enum: COMPLAINT_PRIORITIES }).notNull(),
    status: text('status', { enum: COMPLAINT_STATUSES }).notNull(),
    /** The member's words; null once the member is erased. */
    subject: text('subject'),
    /** The benefit change an objection is about. */
    changeId: uuid('change_id'),
    assigneeId: text('assignee_id'),
    /** The staff member who took it by phone, email or in person; null when the member filed it in the app. */
    recordedBy: text('recorded_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    firstResponseDueAt: timestamp('first_response_due_at', { withTimezone: true }).notNull(),
    resolutionDueAt: timestamp('resolution_due_at', { withTimezone: true }).notNull(),
    firstRespondedAt: timestamp('first_responded_at', { withTimezone: true }),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    rootCause: text('root_cause'),
    rating: smallint('rating'),
    escalations: smallint('escalations').notNull(),
    /** The deadline it is working towards (first answer, then resolution); null once resolved. The queue reads it. */
    nextDueAt: timestamp('next_due_at', { withTimezone: true }),
  },
  (t) => [
    index('complaints_member_id_created_at_idx').on(t.memberId, t.createdAt),
    // The queue and the breach queue: unresolved complaints by deadline, read from the front.
    index('complaints_next_due_at_idx')
      .on(t.nextDueAt, t.id)
      .where(sql`${t.nextDueAt} is not null`),
    index('complaints_created_at_idx').on(t.createdAt),
  ],
);

/** Every message on a complaint, the member's and staff's answers, oldest first. */
export const complaintMessages = moderation.table(
  'complaint_messages',
  {
    id: uuid('id').primaryKey(),
    complaintId: uuid('complaint_id')
      .notNull()
      .references(() => complaints.id, { onDelete: 'cascade' }),
    authorKind: text('author_kind', { enum: ['MEMBER', 'STAFF'] }).notNull(),
    body: text('body').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('complaint_messages_complaint_id_created_at_idx').on(t.complaintId, t.createdAt)],
);

/** Each member's current tier, from TierChanged: what priority their complaints get. */
export const memberTiers = moderation.table('member_tiers', {
  memberId: uuid('member_id').primaryKey(),
  tier: text('tier', { enum: TIER_CODES }).notNull(),
  /** When the change that set it happened: an older event delivered late changes nothing. */
  changedAt: timestamp('changed_at', { withTimezone: true }).notNull(),
});

/** Benefit changes tiers announced (BenefitChangeAnnounced): objections link to them. */
export const benefitChanges = moderation.table('benefit_changes', {
  changeId: uuid('change_id').primaryKey(),
  tier: text('tier', { enum: TIER_CODES }).notNull(),
  benefit: text('benefit').notNull(),
  effectiveAt: timestamp('effective_at', { withTimezone: true }).notNull(),
});

/**
 * What staff did in moderation: each entry written in the transaction that made the
 * change. Targets are ids; details hold codes and counts, never members' words.
 */
export const staffOperations = moderation.table(
  'staff_operations',
  {
    id: uuid('id').primaryKey(),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
    staffId: text('staff_id').notNull(),
    operation: text('operation').notNull(),
    targetType: text('target_type').notNull(),
    targetId: text('target_id').notNull(),
    details: jsonb('details').$type<Record<string, unknown>>().notNull(),
    requestId: text('request_id'),
  },
  (t) => [
    index('staff_operations_occurred_at_id_idx').on(t.occurredAt, t.id),
    index('staff_operations_target_type_target_id_idx').on(t.targetType, t.targetId),
  ],
);

/** Events moderation has produced, waiting for the relay. */
export const outbox = outboxTable(moderation);
/** Events moderation has consumed. */
export const inbox = inboxTable(moderation);
