import type { OptionalProfile } from './profile-fields.js';
import type { RejectionKind } from './refusals.js';
/**
 * The records identity's rules work with, as the stores (ports in ./stores.ts) hand them
 * over. They are declared here, not derived from the table definitions, so the domain never
 * depends on the database; the repositories in db/ return rows that must fit these shapes,
 * so a column renamed there breaks the build here.
 */
import type { RoleDefinition } from './roles.js';

/** A member as identity sees it: contact values decrypted, lookup hashes left in the database. */
export interface Member {
  id: string;
  displayName: string;
  /** Lower-cased; null when the member has none or their data key was destroyed. */
  email: string | null;
  /** E.164; null when the member has none or their data key was destroyed. */
  phone: string | null;
  passwordHash: string;
  passwordChangedAt: Date | null;
  failedLogins: number;
  lockedUntil: Date | null;
  lockCount: number;
  emailVerifiedAt: Date | null;
  phoneVerifiedAt: Date | null;
  registeredAt: Date;
  erasedAt: Date | null;
  /** The optional profile fields and the member type; empty when the member gave none. */
  profile: OptionalProfile;
  /** zh-CN | en (see src/messages). */
  language: string;
  /** Whether must-tell notices are also emailed. */
  serviceEmails: boolean;
}

/** What registration writes, in plaintext; the store seals it with a new data key. */
export interface NewMember {
  id: string;
  displayName: string;
  email?: string;
  phone?: string;
  passwordHash: string;
  registeredAt: Date;
  emailVerifiedAt?: Date | null;
  phoneVerifiedAt?: Date | null;
  /** zh-CN when absent. */
  language?: string;
}

/** One profile correction as logged: which fields changed, never their values. */
export interface ProfileChangeRow {
  id: string;
  memberId: string;
  changedAt: Date;
  actorKind: string;
  actorId: string;
  fields: string[];
  requestId: string | null;
}

/** One refresh token of a member's session (only its hash is kept). */
export interface RefreshTokenRow {
  id: string;
  familyId: string;
  memberId: string;
  tokenHash: string;
  issuedAt: Date;
  expiresAt: Date;
  rotatedAt: Date | null;
  revokedAt: Date | null;
  revokedReason: string | null;
}

/** A refresh token about to be issued. */
export type NewRefreshToken = Pick<RefreshTokenRow, 'id' | 'familyId' | 'memberId' | 'tokenHash' | 'issuedAt' | 'expiresAt'>;

/** Why a session's refresh tokens were revoked. */
export type RevokeReason = 'logout' | 'reuse' | 'password-change' | 'password-reset' | 'ban';

/** A one-time registration code sent to a contact; the code itself is kept only as `codeHash`. */
export interface RegistrationCodeRow {
  id: string;
  channel: string;
  contactLookup: string;
  codeHash: string;
  createdAt: Date;
  expiresAt: Date;
  attempts: number;
  consumedAt: Date | null;
}

/** A one-time password reset code sent to a member; the code itself is kept only as `codeHash`. */
export interface PasswordResetCodeRow {
  id: string;
  memberId: string;
  channel: string;
  codeHash: string;
  createdAt: Date;
  expiresAt: Date;
  attempts: number;
  consumedAt: Date | null;
}

/** A staff account as stored. */
export interface StaffRow {
  id: string;
  email: string;
  displayName: string;
  passwordHash: string;
  passwordChangedAt: Date | null;
  failedLogins: number;
  lockCount: number;
  lockedUntil: Date | null;
  disabledAt: Date | null;
  createdAt: Date;
  /** Goes up when the account's tokens must stop working; tokens carry the version they were issued under. */
  sessionVersion: number;
}

/** A role grant that gives a pii:*:read scope, waiting for a second admin (four eyes). */
export interface StaffRoleGrant {
  id: string;
  staffId: string;
  /** The whole set of roles the staff member holds once it is approved. */
  roles: string[];
  /** The pii:*:read scopes that need the approval. */
  sensitiveScopes: string[];
  requestedBy: string;
  requestedAt: Date;
  reason: string;
  status: 'pending' | 'approved' | 'rejected';
  decidedBy: string | null;
  decidedAt: Date | null;
}

/** A ban moderation applied to a member, until it is lifted or ends. */
export interface MemberBan {
  sanctionId: string;
  memberId: string;
  /** Null: no end was set. */
  endsAt: Date | null;
  appliedAt: Date;
}

/** A staff account with the roles it holds and the scopes they grant. */
export type StaffAccount = StaffRow & { roles: string[]; scopes: { scope: string }[] };

/** A role with its scopes, as stored. */
export type RoleRow = Omit<RoleDefinition, 'scopes'> & { scopes: string[] };

/** One staff mutation as the staff operation log keeps it. */
export interface StaffOperation {
  actor: { kind: 'staff' | 'system'; id: string };
  /** What was done, e.g. staff.create, verification.approve. */
  operation: string;
  target: { type: string; id: string };
  /** Summaries of the target: ids, states, role names; never secrets or raw personal values. */
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
  reason?: string | null;
  requestId?: string | null;
  at: Date;
}

/** What the log entry of a staff change says, beyond the change itself. */
export type OperationNote = Omit<StaffOperation, 'before' | 'after' | 'target' | 'operation'>;

/** One entry of the staff operation log, as read back. */
export interface StaffOperationRow {
  id: string;
  occurredAt: Date;
  actorKind: string;
  actorId: string;
  subgraph: string;
  operation: string;
  targetType: string;
  targetId: string;
  before: unknown;
  after: unknown;
  reason: string | null;
  requestId: string | null;
}

/** A real-name verification with its personal values decrypted (null when the member's key is gone). */
export interface Verification {
  id: string;
  memberId: string;
  level: string;
  status: string;
  submittedAt: Date;
  decidedAt: Date | null;
  decidedBy: string | null;
  rejectionReason: string | null;
  expiresAt: Date | null;
  realName: string | null;
  idNumber: string | null;
  documentImageRef: string | null;
  faceImageRef: string | null;
  /** For a rejection: insufficient or false_submission. */
  rejectionKind: string | null;
  /** Enterprise: the company name as on its business licence. */
  companyName: string | null;
  /** Enterprise: the unified social credit code. */
  creditCode: string | null;
  /** Enterprise: where the business licence image is stored. */
  licenceDocumentRef: string | null;
}

/** What a member's level is computed from: their approved verifications, without personal values. */
export interface VerificationState {
  id: string;
  memberId: string;
  level: string;
  status: string;
  expiresAt: Date | null;
}

/** What a submission writes, in plaintext; the store seals it with the member's data key. */
export interface NewVerification {
  id: string;
  memberId: string;
  level: 'primary' | 'advanced' | 'enterprise';
  status: 'pending' | 'approved' | 'rejected';
  rejectionKind?: RejectionKind | null;
  companyName?: string;
  creditCode?: string;
  creditCodeLookup?: string;
  licenceDocumentRef?: string;
  realName?: string;
  idNumber?: string;
  idNumberLookup?: string;
  documentImageRef?: string;
  faceImageRef?: string;
  submittedAt: Date;
  decidedAt?: Date | null;
  decidedBy?: string | null;
  rejectionReason?: string | null;
  expiresAt?: Date | null;
}

/** A member's request to be erased. */
export interface ErasureRequestRow {
  id: string;
  memberId: string;
  status: string;
  requestedAt: Date;
  dueAt: Date;
  cancelledAt: Date | null;
  completedAt: Date | null;
}

/** A member's data export; the document stays sealed with the member's data key. */
export interface DataExportRow {
  id: string;
  memberId: string;
  status: string;
  requestedAt: Date;
  readyAt: Date | null;
  expiresAt: Date | null;
  /** Sealed; only the store opens it (`document`). */
  documentCiphertext: string | null;
  failureReason: string | null;
}

/** One published version of a policy. */
export interface PolicyVersionRow {
  id: string;
  kind: string;
  version: string;
  textHash: string;
  publishedAt: Date;
  /** Publication order, for versions published in the same instant. */
  seq: number;
  publishedBy: string;
  /** The text as published; null for versions published before texts were kept. */
  text: string | null;
  /** When it takes the place of the version before; null: from publication. */
  effectiveAt: Date | null;
}

/** A policy version about to be published (its `seq` comes from the database). */
export type NewPolicyVersion = Omit<PolicyVersionRow, 'seq'>;

/** A member's acceptance of one policy version, with the version. */
export interface PolicyAcceptanceRow {
  id: string;
  memberId: string;
  policyVersionId: string;
  acceptedAt: Date;
  channel: string;
  method: string;
  /** SHA-256 of the text accepted; null for acceptances recorded before it was kept. */
  textHash: string | null;
  policy: PolicyVersionRow;
}

/** One consent given or withdrawn; the newest per purpose, channel, partner and category is in force. */
export interface ConsentRecordRow {
  id: string;
  memberId: string;
  purpose: string;
  marketingChannel: string | null;
  partnerId: string | null;
  piiCategory: string | null;
  granted: boolean;
  /** For partner sharing: when a given consent lapses by itself. */
  expiresAt: Date | null;
  recordedAt: Date;
  seq: number;
  channel: string;
  method: string;
}

/** One read of someone's personal data, as the PII access log keeps it. */
export interface PiiAccessRow {
  id: string;
  accessedAt: Date;
  viewerKind: string;
  viewerId: string;
  viewerRole: string | null;
  ownerMemberId: string;
  fields: string[];
  categories: string[];
  purpose: string | null;
  operationName: string | null;
  requestId: string;
}

/** A notice in a member's inbox. */
export interface NoticeRow {
  id: string;
  memberId: string;
  eventId: string;
  kind: string;
  /** In the member's language, as they read it now (see renderNotice). */
  title: string;
  body: string;
  createdAt: Date;
  readAt: Date | null;
}

/** Where a notice comes from: the event (or record standing for one) and its time. */
export interface NoticeSource {
  eventId: string;
  at: Date;
}
