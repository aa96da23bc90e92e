import { sql } from 'drizzle-orm';
import { bigserial, boolean, index, integer, jsonb, pgSchema, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { inboxTable, outboxTable } from '@membership/events';

export const identity = pgSchema('identity');

/**
 * Member accounts: how they sign in and what they chose to be called. Contact values are
 * stored only sealed and as keyed hashes; unique among members who have one.
 */
export const members = identity.table(
  'members',
  {
    id: uuid('id').primaryKey(),
    displayName: text('display_name').notNull(),
    /** The lower-cased email sealed with the member's data key (see member_keys). */
    emailCiphertext: text('email_ciphertext'),
    /** Keyed hash of the lower-cased email: how sign-in and uniqueness find it. */
    emailLookup: text('email_lookup'),
    /** The E.164 phone number sealed with the member's data key. */
    phoneCiphertext: text('phone_ciphertext'),
    /** Keyed hash of the E.164 phone number. */
    phoneLookup: text('phone_lookup'),
    passwordHash: text('password_hash').notNull(),
    /** When the password was last set; null for members registered before it was kept. */
    passwordChangedAt: timestamp('password_changed_at', { withTimezone: true }),
    failedLogins: integer('failed_logins').notNull().default(0),
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    /** Locks in a row without a successful sign-in; each lasts longer than the one before. */
    lockCount: integer('lock_count').notNull().default(0),
    /** When a one-time code sent to the email proved the member receives it. */
    emailVerifiedAt: timestamp('email_verified_at', { withTimezone: true }),
    /** When a one-time code sent to the phone proved the member receives it. */
    phoneVerifiedAt: timestamp('phone_verified_at', { withTimezone: true }),
    registeredAt: timestamp('registered_at', { withTimezone: true }).notNull(),
    /** When the member's personal data was erased; the row stays, anonymised, so the id is never reused. */
    erasedAt: timestamp('erased_at', { withTimezone: true }),
    /** The language the member reads the platform in (zh-CN | en): notices, emails, text messages, the card. */
    language: text('language').notNull().default('zh-CN'),
    /**
     * Whether must-tell notices (policy changes, sanctions, downgrades, benefit changes) are
     * also emailed. Service messages, not marketing: on until the member turns them off.
     */
    serviceEmails: boolean('service_emails').notNull().default(true),
  },
  (t) => [
    uniqueIndex('members_email_lookup_idx').on(t.emailLookup),
    uniqueIndex('members_phone_lookup_idx').on(t.phoneLookup),
    index('members_registered_at_id_idx').on(t.registeredAt, t.id),
  ],
);

/**
 * Each member's data key, wrapped by the master key. Deleting the row is crypto-shredding:
 * every value sealed with the key becomes unreadable, in backups too.
 */
export const memberKeys = identity.table('member_keys', {
  memberId: uuid('member_id')
    .primaryKey()
    .references(() => members.id, { onDelete: 'cascade' }),
  /** The AES-256 data key sealed with the master key (v1.iv.tag.body, base64url). */
  wrappedKey: text('wrapped_key').notNull(),
  /** Which master key wrapped it, for rotation. */
  masterKeyId: text('master_key_id').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
});

/**
 * Refresh tokens, stored only as keyed hashes. One row per token: a rotated token stays
 * (rotated_at set) so that presenting it again is recognised as reuse and ends its family.
 */
export const refreshTokens = identity.table(
  'refresh_tokens',
  {
    id: uuid('id').primaryKey(),
    /** Every token descended from one sign-in; reuse of any of them revokes them all. */
    familyId: uuid('family_id').notNull(),
    memberId: uuid('member_id')
      .notNull()
      .references(() => members.id, { onDelete: 'cascade' }),
    tokenHash: text('token_hash').notNull(),
    issuedAt: timestamp('issued_at', { withTimezone: true }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    /** When it was exchanged for its successor. */
    rotatedAt: timestamp('rotated_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    /** logout | reuse | password-change | password-reset */
    revokedReason: text('revoked_reason'),
  },
  (t) => [
    uniqueIndex('refresh_tokens_token_hash_idx').on(t.tokenHash),
    index('refresh_tokens_family_id_idx').on(t.familyId),
    index('refresh_tokens_member_id_idx').on(t.memberId),
  ],
);

/**
 * One-time registration codes sent to an email address or phone number not yet
 * registered. Only the keyed hashes of the contact and the code are kept; the newest code
 * for a contact is the one that counts.
 */
export const registrationCodes = identity.table(
  'registration_codes',
  {
    id: uuid('id').primaryKey(),
    /** email | phone */
    channel: text('channel').notNull(),
    /** Keyed hash of the normalised contact (as members.email_lookup / phone_lookup). */
    contactLookup: text('contact_lookup').notNull(),
    codeHash: text('code_hash').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    /** Wrong codes entered against it; at the policy's limit it stops working. */
    attempts: integer('attempts').notNull().default(0),
    consumedAt: timestamp('consumed_at', { withTimezone: true }),
  },
  (t) => [index('registration_codes_contact_lookup_created_at_idx').on(t.contactLookup, t.createdAt)],
);

/**
 * One-time password reset codes sent to a member's email or phone. Only the keyed hash
 * of the code is kept; the member's newest code is the one that counts.
 */
export const passwordResetCodes = identity.table(
  'password_reset_codes',
  {
    id: uuid('id').primaryKey(),
    memberId: uuid('member_id')
      .notNull()
      .references(() => members.id, { onDelete: 'cascade' }),
    /** email | phone: where the code was sent (the login the member gave). */
    channel: text('channel').notNull(),
    codeHash: text('code_hash').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    /** Wrong codes entered against it; at the policy's limit it stops working. */
    attempts: integer('attempts').notNull().default(0),
    consumedAt: timestamp('consumed_at', { withTimezone: true }),
  },
  (t) => [index('password_reset_codes_member_id_created_at_idx').on(t.memberId, t.createdAt)],
);

/**
 * Messages to people (codes, notices) as the development notifier delivers them: tests
 * and developers read them here. The recipient is kept only as a keyed hash and a masked hint.
 */
export const notificationsOutbox = identity.table(
  'notifications_outbox',
  {
    id: uuid('id').primaryKey(),
    /** email | sms */
    channel: text('channel').notNull(),
    recipientLookup: text('recipient_lookup').notNull(),
    /** e.g. a***@example.com or 138****5678 */
    recipientHint: text('recipient_hint').notNull(),
    /** What kind of message, e.g. registration-code. */
    template: text('template').notNull(),
    body: text('body').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('notifications_outbox_recipient_lookup_created_at_idx').on(t.recipientLookup, t.createdAt)],
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

/**
 * Real-name verifications a member submitted. Primary: real name and resident ID number,
 * checked automatically. Advanced: document and face image references, reviewed by
 * staff. Personal values are sealed with the member's data key; the ID number also has a
 * keyed hash so one ID number can be verified on one account only.
 */
export const verifications = identity.table(
  'verifications',
  {
    id: uuid('id').primaryKey(),
    memberId: uuid('member_id')
      .notNull()
      .references(() => members.id, { onDelete: 'cascade' }),
    /** primary | advanced */
    level: text('level').notNull(),
    /** pending | approved | rejected | superseded */
    status: text('status').notNull(),
    realNameCiphertext: text('real_name_ciphertext'),
    idNumberCiphertext: text('id_number_ciphertext'),
    idNumberLookup: text('id_number_lookup'),
    /** Where the uploaded document image is stored (a reference, not the image), sealed. */
    documentImageCiphertext: text('document_image_ciphertext'),
    faceImageCiphertext: text('face_image_ciphertext'),
    submittedAt: timestamp('submitted_at', { withTimezone: true }).notNull(),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    /** automatic (primary) or the reviewing staff member's id. */
    decidedBy: text('decided_by'),
    /** Why it was rejected, in words the member reads. */
    rejectionReason: text('rejection_reason'),
    /** When an approved verification lapses and must be renewed. */
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    /** For a rejection: insufficient (try again) or false_submission (restricts the member, see verification_refusals). */
    rejectionKind: text('rejection_kind'),
    /** Enterprise: the company's name as on its business licence, sealed. */
    companyNameCiphertext: text('company_name_ciphertext'),
    /** Enterprise: the unified social credit code, sealed. */
    creditCodeCiphertext: text('credit_code_ciphertext'),
    /** Keyed hash of the credit code: one company is verified on one account only. */
    creditCodeLookup: text('credit_code_lookup'),
    /** Enterprise: where the uploaded business licence is stored (a reference), sealed. */
    licenceDocumentCiphertext: text('licence_document_ciphertext'),
  },
  (t) => [
    uniqueIndex('verifications_credit_code_lookup_idx')
      .on(t.creditCodeLookup)
      .where(sql`status = 'approved'`),
    index('verifications_member_id_submitted_at_idx').on(t.memberId, t.submittedAt),
    index('verifications_status_submitted_at_idx').on(t.status, t.submittedAt),
    uniqueIndex('verifications_id_number_lookup_idx')
      .on(t.idNumberLookup)
      .where(sql`status = 'approved'`),
  ],
);

/**
 * Staff accounts: people who run the platform through internal tools. Their work email
 * is their sign-in name; what they may do comes from their roles.
 */
export const staff = identity.table(
  'staff',
  {
    id: uuid('id').primaryKey(),
    /** Lower-cased work email; unique. */
    email: text('email').notNull(),
    displayName: text('display_name').notNull(),
    passwordHash: text('password_hash').notNull(),
    /** When the staff member last chose their password; null while it is a temporary one. */
    passwordChangedAt: timestamp('password_changed_at', { withTimezone: true }),
    failedLogins: integer('failed_logins').notNull().default(0),
    lockCount: integer('lock_count').notNull().default(0),
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    /** Set when the account may no longer sign in. */
    disabledAt: timestamp('disabled_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    /**
     * Goes up whenever the account's tokens must stop working (roles changed, disabled,
     * password changed); each access token carries the version it was issued under.
     */
    sessionVersion: integer('session_version').notNull().default(1),
  },
  (t) => [uniqueIndex('staff_email_idx').on(t.email)],
);

/**
 * Role grants that give a `pii:*:read` scope the granting admin does not give alone: they wait
 * here for a second admin's approval (four eyes), then the roles are set.
 */
export const staffRoleGrants = identity.table(
  'staff_role_grants',
  {
    id: uuid('id').primaryKey(),
    staffId: uuid('staff_id')
      .notNull()
      .references(() => staff.id, { onDelete: 'cascade' }),
    /** The full set of roles the staff member is to hold once approved. */
    roles: jsonb('roles').$type<string[]>().notNull(),
    /** The pii:*:read scopes that made it need approval. */
    sensitiveScopes: jsonb('sensitive_scopes').$type<string[]>().notNull(),
    requestedBy: uuid('requested_by').notNull(),
    requestedAt: timestamp('requested_at', { withTimezone: true }).notNull(),
    reason: text('reason').notNull(),
    /** pending | approved | rejected */
    status: text('status').notNull().default('pending'),
    decidedBy: uuid('decided_by'),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
  },
  (t) => [
    index('staff_role_grants_staff_id_idx').on(t.staffId),
    index('staff_role_grants_status_requested_at_idx').on(t.status, t.requestedAt),
  ],
);

/**
 * Bans moderation applied to members (SanctionApplied kind BAN), one row per sanction;
 * the row goes when the sanction is lifted. A banned member cannot sign in.
 */
export const memberBans = identity.table(
  'member_bans',
  {
    sanctionId: uuid('sanction_id').primaryKey(),
    memberId: uuid('member_id')
      .notNull()
      .references(() => members.id, { onDelete: 'cascade' }),
    /** When the ban ends by itself; null for a ban without an end. */
    endsAt: timestamp('ends_at', { withTimezone: true }),
    appliedAt: timestamp('applied_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('member_bans_member_id_idx').on(t.memberId)],
);

/** Roles staff can hold (support, reviewer, …); what each grants is in role_scopes. */
export const roles = identity.table('roles', {
  name: text('name').primaryKey(),
  description: text('description').notNull(),
});

/** The scopes each role grants, e.g. reviewer → verification:review. */
export const roleScopes = identity.table(
  'role_scopes',
  {
    roleName: text('role_name')
      .notNull()
      .references(() => roles.name, { onDelete: 'cascade' }),
    scope: text('scope').notNull(),
  },
  (t) => [primaryKey({ name: 'role_scopes_pk', columns: [t.roleName, t.scope] })],
);

/** Which roles each staff member holds. A role still held cannot be deleted. */
export const staffRoles = identity.table(
  'staff_roles',
  {
    staffId: uuid('staff_id')
      .notNull()
      .references(() => staff.id, { onDelete: 'cascade' }),
    roleName: text('role_name')
      .notNull()
      .references(() => roles.name, { onDelete: 'restrict' }),
    grantedAt: timestamp('granted_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ name: 'staff_roles_pk', columns: [t.staffId, t.roleName] }), index('staff_roles_role_name_idx').on(t.roleName)],
);

/**
 * Every staff mutation: who did what to which target, a summary before and after, the
 * reason and when. No foreign keys: the log outlives staff accounts and targets.
 */
export const staffOperationLog = identity.table(
  'staff_operation_log',
  {
    id: uuid('id').primaryKey(),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
    /** staff | system (a command an operator ran) */
    actorKind: text('actor_kind').notNull(),
    actorId: text('actor_id').notNull(),
    /** The subgraph that performed the operation. */
    subgraph: text('subgraph').notNull(),
    /** What was done, e.g. staff.create, verification.approve. */
    operation: text('operation').notNull(),
    targetType: text('target_type').notNull(),
    targetId: text('target_id').notNull(),
    /** Summary of the target before and after; never secrets or raw personal values. */
    before: jsonb('before'),
    after: jsonb('after'),
    reason: text('reason'),
    requestId: text('request_id'),
  },
  (t) => [
    index('staff_operation_log_occurred_at_id_idx').on(t.occurredAt, t.id),
    index('staff_operation_log_target_type_target_id_idx').on(t.targetType, t.targetId),
  ],
);

/**
 * Members' requests to erase their account. Pending until due_at (the grace period, in
 * which the member may cancel), then done by the erasure job. At most one pending per member.
 */
export const erasureRequests = identity.table(
  'erasure_requests',
  {
    id: uuid('id').primaryKey(),
    memberId: uuid('member_id')
      .notNull()
      .references(() => members.id, { onDelete: 'cascade' }),
    /** pending | cancelled | done */
    status: text('status').notNull(),
    requestedAt: timestamp('requested_at', { withTimezone: true }).notNull(),
    /** When the grace period ends and the job may erase. */
    dueAt: timestamp('due_at', { withTimezone: true }).notNull(),
    cancelledAt: timestamp('cancelled_at', { withTimezone: true }),
    completedAt: timestamp('completed_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('erasure_requests_member_id_idx')
      .on(t.memberId)
      .where(sql`status = 'pending'`),
    index('erasure_requests_status_due_at_idx').on(t.status, t.dueAt),
    index('erasure_requests_member_id_requested_at_idx').on(t.memberId, t.requestedAt),
  ],
);

/**
 * Members' data exports (access and portability). The job fills in the document, sealed
 * with the member's data key, and it may be downloaded until expires_at; then the job
 * drops the document and the row stays as a record of the request.
 */
export const dataExports = identity.table(
  'data_exports',
  {
    id: uuid('id').primaryKey(),
    memberId: uuid('member_id')
      .notNull()
      .references(() => members.id, { onDelete: 'cascade' }),
    /** pending | ready | failed (expired is ready past expires_at) */
    status: text('status').notNull(),
    requestedAt: timestamp('requested_at', { withTimezone: true }).notNull(),
    readyAt: timestamp('ready_at', { withTimezone: true }),
    /** When the document stops being downloadable. */
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    /** The JSON document sealed with the member's data key; null until ready and after expiry. */
    documentCiphertext: text('document_ciphertext'),
    /** Why assembling it failed, for operators; never personal values. */
    failureReason: text('failure_reason'),
  },
  (t) => [
    uniqueIndex('data_exports_member_id_idx')
      .on(t.memberId)
      .where(sql`status = 'pending'`),
    index('data_exports_member_id_requested_at_idx').on(t.memberId, t.requestedAt),
    index('data_exports_status_requested_at_idx').on(t.status, t.requestedAt),
  ],
);

/**
 * Published versions of the privacy policy and the terms. Only a hash of the text is
 * kept: it proves which text a member accepted; the text itself lives with legal.
 */
export const policyVersions = identity.table(
  'policy_versions',
  {
    id: uuid('id').primaryKey(),
    /** privacy | terms */
    kind: text('kind').notNull(),
    /** As legal names it, e.g. 2026-11 or 3.1. */
    version: text('version').notNull(),
    /** SHA-256 of the text, hex. */
    textHash: text('text_hash').notNull(),
    publishedAt: timestamp('published_at', { withTimezone: true }).notNull(),
    /** Publication order, so two versions published in the same instant still have a newest. */
    seq: bigserial('seq', { mode: 'number' }).notNull(),
    /** The staff member who published it. */
    publishedBy: text('published_by').notNull(),
    /** The text as published; null for versions published before texts were kept. */
    text: text('text'),
    /** When it takes the place of the version before; null: from publication (older versions). */
    effectiveAt: timestamp('effective_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('policy_versions_kind_version_idx').on(t.kind, t.version),
    index('policy_versions_kind_published_at_idx').on(t.kind, t.publishedAt),
  ],
);

/** Which policy versions each member accepted, when, where and how. One row per member and version. */
export const policyAcceptances = identity.table(
  'policy_acceptances',
  {
    id: uuid('id').primaryKey(),
    memberId: uuid('member_id')
      .notNull()
      .references(() => members.id, { onDelete: 'cascade' }),
    policyVersionId: uuid('policy_version_id')
      .notNull()
      .references(() => policyVersions.id, { onDelete: 'restrict' }),
    acceptedAt: timestamp('accepted_at', { withTimezone: true }).notNull(),
    /** Where: web | app | in_store | call_centre */
    channel: text('channel').notNull(),
    /** How: checkbox | button | signature | verbal */
    method: text('method').notNull(),
    /** SHA-256 of the text accepted (the version's); null for acceptances recorded before it was kept. */
    textHash: text('text_hash'),
  },
  (t) => [
    uniqueIndex('policy_acceptances_member_id_policy_version_id_idx').on(t.memberId, t.policyVersionId),
    index('policy_acceptances_policy_version_id_idx').on(t.policyVersionId),
  ],
);

/**
 * Every consent a member gave or withdrew, append-only: marketing per channel,
 * personalised recommendations, sharing a PII category with a partner. The newest row
 * for a (purpose, channel, partner, category) is the consent in force.
 */
export const consentRecords = identity.table(
  'consent_records',
  {
    id: uuid('id').primaryKey(),
    memberId: uuid('member_id')
      .notNull()
      .references(() => members.id, { onDelete: 'cascade' }),
    /** marketing | personalisation | partner_sharing */
    purpose: text('purpose').notNull(),
    /** For marketing: sms | email | push. */
    marketingChannel: text('marketing_channel'),
    /** For partner sharing: the partner's id. */
    partnerId: text('partner_id'),
    /** For partner sharing: the PII category, e.g. CONTACT. */
    piiCategory: text('pii_category'),
    /** Given (true) or withdrawn (false). */
    granted: boolean('granted').notNull(),
    /** For partner sharing: when a given consent lapses by itself; null while the member keeps it. */
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull(),
    /** Recording order: of two records in the same instant the later one is in force. */
    seq: bigserial('seq', { mode: 'number' }).notNull(),
    /** Where: web | app | in_store | call_centre */
    channel: text('channel').notNull(),
    /** How: checkbox | button | signature | verbal */
    method: text('method').notNull(),
  },
  (t) => [index('consent_records_member_id_recorded_at_idx').on(t.memberId, t.recordedAt)],
);

/**
 * Corrections of members' profiles: who changed which fields and when. Never the old or
 * new values: the log must not become a second copy of the personal data.
 */
export const profileChanges = identity.table(
  'profile_changes',
  {
    id: uuid('id').primaryKey(),
    memberId: uuid('member_id')
      .notNull()
      .references(() => members.id, { onDelete: 'cascade' }),
    changedAt: timestamp('changed_at', { withTimezone: true }).notNull(),
    /** member | staff */
    actorKind: text('actor_kind').notNull(),
    actorId: text('actor_id').notNull(),
    /** Which fields changed: displayName, email, phone. */
    fields: text('fields').array().notNull(),
    requestId: text('request_id'),
  },
  (t) => [index('profile_changes_member_id_changed_at_idx').on(t.memberId, t.changedAt)],
);

/**
 * Notices to members (tier changes, sanctions, points about to expire, benefit changes
 * from other subgraphs' events; new policy versions and verification expiry reminders
 * from identity), with read state. One per event and member, so a redelivered event
 * (or a rerun reminder job) adds nothing.
 */
export const inboxNotices = identity.table(
  'inbox_notices',
  {
    id: uuid('id').primaryKey(),
    memberId: uuid('member_id')
      .notNull()
      .references(() => members.id, { onDelete: 'cascade' }),
    /**
     * The event the notice was made from (for policy_changed, the policy version's id; for
     * verification_expiring, the verification's id).
     */
    eventId: uuid('event_id').notNull(),
    /** tier_changed | sanction_applied | sanction_lifted | points_expiring | benefit_change | policy_changed | verification_expiring */
    kind: text('kind').notNull(),
    /**
     * The catalogue message (src/messages) the notice reads as, in the member's language when
     * read; null only for notices stored before the catalogues, which keep their title and body.
     */
    template: text('template'),
    /** What fills the message's placeholders: ids, amounts, dates, codes. */
    params: jsonb('params'),
    /** The words of a notice stored before the catalogues; null for notices with a template. */
    title: text('title'),
    body: text('body'),
    /** When what the notice reports happened (the event's time). */
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    readAt: timestamp('read_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('inbox_notices_event_id_member_id_idx').on(t.eventId, t.memberId),
    index('inbox_notices_member_id_created_at_idx').on(t.memberId, t.createdAt, t.id),
  ],
);

/**
 * Each member's tier as the last TierChanged said: who a BenefitChangeAnnounced for a
 * tier reaches. A copy, not the truth (tiers owns that); erased with the member.
 */
export const noticeAudiences = identity.table(
  'notice_audiences',
  {
    memberId: uuid('member_id')
      .primaryKey()
      .references(() => members.id, { onDelete: 'cascade' }),
    tier: text('tier').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('notice_audiences_tier_idx').on(t.tier)],
);

/** Events identity has produced, waiting for the relay. */
export const outbox = outboxTable(identity);
/** Events identity has consumed. */
export const inbox = inboxTable(identity);

/**
 * Companies the platform shares members' data with, each under a data-sharing agreement that
 * names the kinds of personal data it allows. `name` is how the graph knows the partner: its API
 * keys, members' consents and its persisted-operation manifest use it.
 */
export const partners = identity.table(
  'partners',
  {
    id: uuid('id').primaryKey(),
    name: text('name').notNull(),
    legalName: text('legal_name').notNull(),
    agreementReference: text('agreement_reference').notNull(),
    agreementSignedAt: timestamp('agreement_signed_at', { withTimezone: true }).notNull(),
    agreementExpiresAt: timestamp('agreement_expires_at', { withTimezone: true }).notNull(),
    /** PII categories the agreement allows, e.g. {CONTACT}; members still decide per category. */
    allowedCategories: text('allowed_categories').array().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    /** The staff member who registered it. */
    createdBy: uuid('created_by').notNull(),
  },
  (t) => [uniqueIndex('partners_name_idx').on(t.name)],
);

/**
 * Partners' API keys: only a hash of each secret is kept, with a visible prefix that names the
 * key in logs and tools. A rotated key expires after its overlap; a revoked one stops at once.
 */
export const partnerApiKeys = identity.table(
  'partner_api_keys',
  {
    id: uuid('id').primaryKey(),
    partnerId: uuid('partner_id')
      .notNull()
      .references(() => partners.id, { onDelete: 'cascade' }),
    prefix: text('prefix').notNull(),
    /** sha256 of the secret part, hex. */
    secretHash: text('secret_hash').notNull(),
    scopes: text('scopes').array().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    /** Set when the key is rotated: it keeps working until then, beside its replacement. */
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('partner_api_keys_prefix_idx').on(t.prefix), index('partner_api_keys_partner_id_idx').on(t.partnerId)],
);

/**
 * Messages (codes, notices) on their way to people through the real channels: the
 * recipient and text sealed with a key derived from the master key until the message is
 * finished (sent, failed or expired), then dropped; status, attempts and the provider's
 * message id stay for operators until the retention job removes the row.
 */
export const notificationDeliveries = identity.table(
  'notification_deliveries',
  {
    id: uuid('id').primaryKey(),
    /** email | sms */
    channel: text('channel').notNull(),
    /** What kind of message, e.g. registration-code. */
    template: text('template').notNull(),
    /** Keyed hash of the recipient, as members.email_lookup / phone_lookup. */
    recipientLookup: text('recipient_lookup').notNull(),
    /** e.g. a***@example.com or 138****5678 */
    recipientHint: text('recipient_hint').notNull(),
    /** Recipient and text, sealed; null once the message is finished. */
    payloadCiphertext: text('payload_ciphertext'),
    /** pending | sending | sent | failed | expired */
    status: text('status').notNull(),
    attempts: integer('attempts').notNull().default(0),
    /** When a pending message is due, or when a sending one's claim runs out. */
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull(),
    /** After this the message is not worth sending (the code in it has expired). */
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    /** Why the last attempt failed; never the recipient or the text. */
    lastError: text('last_error'),
    providerMessageId: text('provider_message_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    /**
     * For the email copy of a must-tell inbox notice: the notice. Such a message has no sealed
     * payload; recipient and words are read (and rendered in the member's language) when it is
     * sent. At most one email per notice.
     */
    noticeId: uuid('notice_id').references(() => inboxNotices.id, { onDelete: 'cascade' }),
  },
  (t) => [
    uniqueIndex('notification_deliveries_notice_id_idx').on(t.noticeId),
    index('notification_deliveries_status_next_attempt_at_idx').on(t.status, t.nextAttemptAt),
    index('notification_deliveries_finished_at_idx').on(t.finishedAt),
    index('notification_deliveries_recipient_lookup_created_at_idx').on(t.recipientLookup, t.createdAt),
  ],
);

/**
 * Each member's membership card: a human-readable member number (not the internal id),
 * unique, issued once at registration or on first request. Erased with the member.
 */
export const memberCards = identity.table(
  'member_cards',
  {
    memberId: uuid('member_id')
      .primaryKey()
      .references(() => members.id, { onDelete: 'cascade' }),
    /** 12 digits, the last a Luhn check digit, e.g. 483920175526. */
    number: text('number').notNull(),
    issuedAt: timestamp('issued_at', { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex('member_cards_number_idx').on(t.number)],
);

/**
 * The optional profile a member chose to give, each field for a stated purpose (see
 * docs/IDENTITY.md): birthday, gender, address and interests, sealed with the member's
 * data key; the member's type (individual or enterprise). One row per member who set any;
 * erased with the member.
 */
export const memberProfiles = identity.table('member_profiles', {
  memberId: uuid('member_id')
    .primaryKey()
    .references(() => members.id, { onDelete: 'cascade' }),
  /** individual | enterprise */
  memberType: text('member_type').notNull().default('individual'),
  /** YYYY-MM-DD, sealed. */
  birthdayCiphertext: text('birthday_ciphertext'),
  /** female | male | other, sealed. */
  genderCiphertext: text('gender_ciphertext'),
  /** The address as JSON (province, city, district, line, postalCode), sealed. */
  addressCiphertext: text('address_ciphertext'),
  /** The interests as a JSON array of catalogue words, sealed. */
  interestsCiphertext: text('interests_ciphertext'),
  /** When the profile first had everything the complete-your-profile task asks for; set once. */
  completedAt: timestamp('completed_at', { withTimezone: true }),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
});

/**
 * Times a member refused verification when it was required, or a reviewer found a submission
 * false. While one is open (cleared_at null) the member is restricted as configured
 * (VERIFICATION_REFUSAL_RESTRICTS); a later approved verification clears them all.
 */
export const verificationRefusals = identity.table(
  'verification_refusals',
  {
    id: uuid('id').primaryKey(),
    memberId: uuid('member_id')
      .notNull()
      .references(() => members.id, { onDelete: 'cascade' }),
    /** declined (the member refused) | false_submission (a reviewer found it false) */
    kind: text('kind').notNull(),
    /** The submission found false; null when the member declined. */
    verificationId: uuid('verification_id').references(() => verifications.id, { onDelete: 'set null' }),
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull(),
    /** When a later approval ended the restriction. */
    clearedAt: timestamp('cleared_at', { withTimezone: true }),
  },
  (t) => [index('verification_refusals_member_id_cleared_at_idx').on(t.memberId, t.clearedAt)],
);
