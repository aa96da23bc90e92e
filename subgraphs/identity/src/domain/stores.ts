/**
 * What identity's rules need from storage, as interfaces (ports). The repositories in
 * db/ implement them; a unit test passes plain objects. Every store is built for one
 * request with the viewer's scope (see ./scope.ts), or for a job with an explicit one.
 *
 * Atomicity has one form: `transaction(work)` runs `work` in one database transaction
 * with stores bound to it, and commits when `work` resolves. Store methods documented
 * "in a transaction" (row locks, several statements that must land together) are called
 * only on the stores a `transaction` callback receives.
 */
import type { OptionalProfile } from './profile-fields.js';
import type { RefusalKind, RejectionKind } from './refusals.js';
import type { Cursor } from '@membership/domain';
import type { ConsentChange, Capture } from './consent-rules.js';
import type { FailureState } from './lockout.js';
import type { NoticeText } from './notices.js';
import type { PartnerStore } from './partners.js';
import type { ProfileUpdate } from './profile-rules.js';
import type {
  ConsentRecordRow,
  DataExportRow,
  ErasureRequestRow,
  Member,
  NewMember,
  NewPolicyVersion,
  NewRefreshToken,
  NewVerification,
  NoticeRow,
  NoticeSource,
  PasswordResetCodeRow,
  PiiAccessRow,
  PolicyAcceptanceRow,
  PolicyVersionRow,
  ProfileChangeRow,
  RefreshTokenRow,
  RegistrationCodeRow,
  RevokeReason,
  RoleRow,
  MemberBan,
  StaffAccount,
  StaffOperation,
  StaffRoleGrant,
  StaffOperationRow,
  StaffRow,
  Verification,
  VerificationState,
} from './records.js';
import type { RoleDefinition } from './roles.js';

/** A write refused by a unique rule: another request holds the value (two requests raced for it). */
export class AlreadyExists extends Error {
  override name = 'AlreadyExists';
}

/** The member has no data key any more (erased): nothing sealed with it can be written. */
export class NoDataKeyError extends Error {
  override name = 'NoDataKeyError';
}

/** Runs `work` in one transaction with stores bound to it; all of it commits or none. */
export type Transaction = <T>(work: (tx: IdentityStores) => Promise<T>) => Promise<T>;

/** Member accounts. Lookups by contact compare keyed hashes, never plaintext. */
export interface MemberStore {
  byIds(ids: readonly string[]): Promise<Map<string, Member>>;
  byId(id: string): Promise<Member | undefined>;
  byLogin(login: { email: string } | { phone: string }): Promise<Member | undefined>;
  /** Which of these contact values are already registered. */
  takenContacts(email?: string, phone?: string): Promise<{ email: boolean; phone: boolean }>;
  /** Newest first; `first + 1` rows so the caller can tell whether there is a next page. */
  page(first: number, after?: Cursor): Promise<Member[]>;
  /**
   * In a transaction: the member, a new data key sealing their contact values and the
   * MemberRegistered event. Throws AlreadyExists when the contact is taken meanwhile.
   */
  register(member: NewMember, channel: 'email' | 'phone'): Promise<Member>;
  /** In a transaction: locks the member's failure state while `next` decides the new one. */
  recordFailedLogin(id: string, next: (state: FailureState) => FailureState): Promise<FailureState | undefined>;
  clearFailedLogins(id: string): Promise<void>;
  /** Sets the member's language; false when there is no such live member. */
  setLanguage(memberId: string, language: string): Promise<boolean>;
  /** Turns the email copies of must-tell notices on or off; false when there is no such live member. */
  setServiceEmails(memberId: string, on: boolean): Promise<boolean>;
  /** Sets a new password and clears the failure count and lock. */
  changePassword(id: string, passwordHash: string, at: Date): Promise<void>;
  /**
   * In a transaction: applies a profile correction and logs which fields changed.
   * False when the member has no data key (erased); nothing is written then. Throws
   * AlreadyExists when another account took the contact meanwhile.
   */
  updateProfile(
    memberId: string,
    update: ProfileUpdate,
    log: { actorKind: 'member' | 'staff'; actorId: string; at: Date; requestId?: string | null },
    /** Whether the optional profile now has everything the complete-your-profile task asks for. */
    completes?: (profile: OptionalProfile) => boolean,
  ): Promise<boolean>;
  /**
   * Marks the member's email or phone verified at `at`, if it is still the contact with
   * this lookup hash; false otherwise (changed meanwhile), nothing written then.
   */
  markContactVerified(memberId: string, channel: 'email' | 'phone', contactLookup: string, at: Date): Promise<boolean>;
  /** Crypto-shredding: destroys the data key and forgets the lookup hashes. */
  destroyDataKey(memberId: string): Promise<void>;
  /** Each member's newest profile corrections, newest first (within the scope). */
  profileChangesFor(memberIds: readonly string[], limit: number): Promise<Map<string, ProfileChangeRow[]>>;
}

/** Members' sessions (refresh tokens, by hash). */
export interface SessionStore {
  issue(token: NewRefreshToken): Promise<void>;
  byHash(tokenHash: string): Promise<RefreshTokenRow | undefined>;
  /**
   * In a transaction: exchanges a live token for `next` (a conditional update, so of two
   * racing requests only one wins). The exchanged row, or undefined when it was not live.
   */
  rotate(tokenHash: string, now: Date, next: Omit<NewRefreshToken, 'familyId' | 'memberId'>): Promise<RefreshTokenRow | undefined>;
  /** Revokes every token of one sign-in not revoked yet; how many. */
  revokeFamily(familyId: string, now: Date, reason: RevokeReason): Promise<number>;
  /** Revokes every live token of the member (all their sessions). */
  revokeAllForMember(memberId: string, now: Date, reason: RevokeReason): Promise<void>;
  /**
   * Whether the member's sign-in `familyId` still holds (a token of it not revoked) and the
   * member is erased; undefined when there is no such member.
   */
  memberSession(memberId: string, familyId: string): Promise<{ live: boolean; erased: boolean } | undefined>;
}

/** One-time codes: registration codes by contact, password reset codes by member. */
export interface OneTimeCodeStore<Row> {
  create(row: Row): Promise<void>;
  /** The newest code for the contact lookup (registration) or the member (reset): the only one that counts. */
  latest(key: string): Promise<Row | undefined>;
  /** Counts one wrong code, never past the limit; the attempts made so far. */
  countWrongAttempt(id: string, maxAttempts: number): Promise<number>;
  /** Uses the code up; false when another request used it first or it stopped working meanwhile. */
  consume(id: string, now: Date, maxAttempts: number): Promise<boolean>;
}

export type RegistrationCodeStore = OneTimeCodeStore<RegistrationCodeRow>;
export type PasswordResetCodeStore = OneTimeCodeStore<PasswordResetCodeRow>;

/** Staff accounts, roles and their scopes. */
export interface StaffStore {
  byEmail(email: string): Promise<StaffAccount | undefined>;
  byId(id: string): Promise<StaffAccount | undefined>;
  /** In a transaction: the account, its row locked until the transaction ends. */
  lockById(id: string): Promise<StaffAccount | undefined>;
  /** Every role with its scopes, by name. */
  roles(): Promise<RoleRow[]>;
  /** Which of these role names exist. */
  existingRoles(names: readonly string[]): Promise<Set<string>>;
  /** In a transaction: adds the roles and scopes that are missing; never changes what is there. */
  ensureRoles(definitions: readonly RoleDefinition[]): Promise<void>;
  /** Creates the account holding these roles; throws AlreadyExists when the email is taken meanwhile. */
  create(row: StaffRow, roleNames: readonly string[]): Promise<StaffAccount>;
  /** Replaces the roles the staff member holds; the account as it is now. */
  replaceRoles(staffId: string, roleNames: readonly string[], at: Date): Promise<StaffAccount | undefined>;
  /** Sets a new password and clears the failure count and lock. */
  changePassword(staffId: string, passwordHash: string, at: Date): Promise<void>;
  /** In a transaction: locks the failure state while `next` decides the new one. */
  recordFailedLogin(id: string, next: (state: FailureState) => FailureState): Promise<FailureState | undefined>;
  clearFailedLogins(id: string): Promise<void>;
  /** Marks the account disabled and ends its tokens (session version up). */
  disable(staffId: string, at: Date): Promise<void>;
  /** Records a role grant waiting for a second admin. */
  createGrant(grant: StaffRoleGrant): Promise<void>;
  /** In a transaction: the grant, its row locked until the transaction ends. */
  lockGrant(id: string): Promise<StaffRoleGrant | undefined>;
  /** Pending grants of these staff members, by staff id (the newest one each). */
  pendingGrants(staffIds: readonly string[]): Promise<Map<string, StaffRoleGrant>>;
  /** Every pending grant, oldest first. */
  allPendingGrants(): Promise<StaffRoleGrant[]>;
  decideGrant(id: string, status: 'approved' | 'rejected', by: string, at: Date): Promise<void>;
}

/** Bans moderation applied (SanctionApplied kind BAN), until lifted. */
export interface BanStore {
  /** Records the ban; applying the same sanction again changes nothing. */
  apply(ban: MemberBan): Promise<void>;
  /** Removes the ban of this sanction; lifting one that is not there changes nothing. */
  lift(sanctionId: string): Promise<void>;
  /** The member's bans in force at `now`. */
  inForce(memberId: string, now: Date): Promise<MemberBan[]>;
}

/** The staff operation log: written in the transaction of the change it records. */
export interface StaffOperationStore {
  record(op: StaffOperation): Promise<void>;
  /** Newest first; `first + 1` rows. */
  page(first: number, after?: Cursor): Promise<StaffOperationRow[]>;
}

/** The level a member's approved verifications add up to. */
export type LevelOf = (approved: readonly VerificationState[]) => { level: 'none' | 'primary' | 'advanced'; expiresAt: Date | null };

/** Real-name verifications; personal values sealed with the member's data key. */
export interface VerificationStore {
  byId(id: string): Promise<Verification | undefined>;
  /** Each member's approved verifications. */
  approvedFor(memberIds: readonly string[]): Promise<Map<string, VerificationState[]>>;
  /** Each member's newest `limit` verifications, decrypted. */
  recentFor(memberIds: readonly string[], limit: number): Promise<Map<string, Verification[]>>;
  /** Advanced verifications waiting for a reviewer, oldest first; `first + 1` rows. */
  reviewQueue(first: number, after?: Cursor): Promise<Verification[]>;
  rejectedSince(memberId: string, level: 'primary' | 'advanced', since: Date): Promise<number>;
  pendingFor(memberId: string, level: 'primary' | 'advanced' | 'enterprise'): Promise<number>;
  /** True when another member holds an approved enterprise verification with this credit code. */
  creditCodeVerifiedElsewhere(creditCodeLookup: string, memberId: string): Promise<boolean>;
  /** Which of these members have an open refusal (declined, or a submission found false). */
  refusedAmong(memberIds: readonly string[]): Promise<Set<string>>;
  /**
   * In a transaction: records that the member refused verification or a submission was found
   * false, and MemberVerificationChanged with refused: true and the member's level.
   */
  recordRefusal(refusal: { memberId: string; kind: RefusalKind; verificationId: string | null; at: Date }, levelOf: LevelOf): Promise<void>;
  /** Each member's live approved enterprise verification, decrypted. */
  enterpriseFor(memberIds: readonly string[], now: Date): Promise<Map<string, Verification>>;
  /** True when another member holds an approved verification with this ID number (whatever the scope). */
  idNumberVerifiedElsewhere(idNumberLookup: string, memberId: string): Promise<boolean>;
  /**
   * In a transaction: writes a submission sealed with the member's data key; an approved
   * one supersedes the earlier approved ones it replaces and records the member's new
   * level as an event. Throws NoDataKeyError for an erased member, AlreadyExists when the
   * ID number was verified on another account meanwhile.
   */
  submit(input: NewVerification, levelOf: LevelOf): Promise<Verification>;
  /**
   * In a transaction: a reviewer's decision on a pending advanced verification; an
   * approval supersedes the earlier advanced one and records the new level. Undefined
   * when it is not pending (any more).
   */
  decide(
    id: string,
    decision: {
      status: 'approved' | 'rejected';
      rejectionReason: string | null;
      rejectionKind?: RejectionKind | null;
      expiresAt: Date | null;
    },
    decided: { by: string; at: Date },
    levelOf: LevelOf,
  ): Promise<Verification | undefined>;
}

/** Erasure requests and the erasure itself. */
export interface ErasureStore {
  /** Each member's newest request. */
  latestFor(memberIds: readonly string[]): Promise<Map<string, ErasureRequestRow>>;
  /** Every erasure request of the member, oldest first (the data export). */
  historyFor(memberId: string): Promise<ErasureRequestRow[]>;
  pendingFor(memberId: string): Promise<ErasureRequestRow | undefined>;
  /** A pending request; throws AlreadyExists when one is pending already. */
  create(memberId: string, requestedAt: Date, dueAt: Date): Promise<ErasureRequestRow>;
  /** Cancels the member's pending request while its grace period runs; undefined otherwise. */
  cancel(memberId: string, now: Date): Promise<ErasureRequestRow | undefined>;
  /** Requests whose grace period is over, oldest due first. */
  due(now: Date, limit: number): Promise<ErasureRequestRow[]>;
  /** In a transaction: the request, locked so a racing cancellation waits. */
  lockById(requestId: string): Promise<ErasureRequestRow | undefined>;
  /** In a transaction, before the data key goes: forgets the messages and codes sent to the member's contacts. */
  forgetContacts(memberId: string): Promise<void>;
  /**
   * In a transaction: anonymises the account and drops its sessions, codes,
   * verifications, exports, consents, profile log, inbox and the events identity still
   * holds about the member.
   */
  eraseMember(memberId: string, now: Date): Promise<void>;
  /** In a transaction: marks the request done and records MemberErased. */
  complete(requestId: string, memberId: string, now: Date): Promise<void>;
}

/** Data exports; documents sealed with the member's data key. */
export interface DataExportStore {
  /** A pending export; throws AlreadyExists when one is pending already. */
  create(memberId: string, requestedAt: Date): Promise<DataExportRow>;
  pendingFor(memberId: string): Promise<DataExportRow | undefined>;
  /** One export, only if it is this member's. */
  byIdForMember(id: string, memberId: string): Promise<DataExportRow | undefined>;
  recentFor(memberIds: readonly string[], limit: number): Promise<Map<string, DataExportRow[]>>;
  /** Requests waiting for the job, oldest first. */
  pending(limit: number): Promise<DataExportRow[]>;
  /** In a transaction: seals the document and marks the export ready. Throws NoDataKeyError for an erased member. */
  complete(id: string, memberId: string, json: string, readyAt: Date, expiresAt: Date): Promise<void>;
  fail(id: string, reason: string): Promise<void>;
  /** Drops the documents of every expired export; how many. */
  dropExpired(now: Date): Promise<number>;
  /** The document in plaintext; null when there is none or the member's key is gone. */
  document(row: DataExportRow): Promise<string | null>;
}

/** Policy versions, their acceptance and members' consents. */
export interface ConsentStore {
  /** The version of each policy kind in force at `at`: the newest that took effect by then. */
  currentPolicies(at: Date): Promise<PolicyVersionRow[]>;
  policy(kind: string, version: string): Promise<PolicyVersionRow | undefined>;
  /** Throws AlreadyExists when the version is published already. */
  publish(row: NewPolicyVersion): Promise<PolicyVersionRow>;
  /** Records the acceptance once; accepting again returns the first record. */
  accept(memberId: string, policy: PolicyVersionRow, at: Date, capture: Capture): Promise<PolicyAcceptanceRow>;
  acceptancesFor(memberIds: readonly string[]): Promise<Map<string, PolicyAcceptanceRow[]>>;
  /** Which of these versions the member accepted. */
  acceptedVersionIds(memberId: string, versionIds: readonly string[]): Promise<Set<string>>;
  /** The consents in force for each member. */
  inForceFor(memberIds: readonly string[]): Promise<Map<string, ConsentRecordRow[]>>;
  /** Each member's newest `limit` consent records. */
  historyFor(memberIds: readonly string[], limit: number): Promise<Map<string, ConsentRecordRow[]>>;
  /** Appends consent records, all or none. */
  append(memberId: string, changes: readonly ConsentChange[], at: Date, capture: Capture): Promise<ConsentRecordRow[]>;
}

/** Members' inboxes. Adding a notice twice for one source adds it once; unknown or erased members get none. */
export interface InboxStore {
  addForMember(memberId: string, notice: NoticeText, source: NoticeSource): Promise<void>;
  /** To every member whose last known tier is `tier`. */
  addForTier(tier: string, notice: NoticeText, source: NoticeSource): Promise<void>;
  addForEveryone(notice: NoticeText, source: NoticeSource): Promise<void>;
  /** A reminder for every approved verification lapsing after `now` and by `until`; how many were added. */
  addVerificationExpiring(notice: Pick<NoticeText, 'kind' | 'template'>, now: Date, until: Date): Promise<number>;
  /** Queues the email copy of every notice made from `eventId`, for members who take service emails; how many. */
  emailNotices(eventId: string, now: Date): Promise<number>;
  /** Remembers the member's tier for tier-wide notices. */
  setAudience(memberId: string, tier: string, at: Date): Promise<void>;
  pagesForMembers(
    memberIds: readonly string[],
    first: number,
    after: Cursor | undefined,
    unreadOnly: boolean,
  ): Promise<Map<string, NoticeRow[]>>;
  unreadCounts(memberIds: readonly string[]): Promise<Map<string, number>>;
  /** Marks the member's notice read (the first time only); undefined when it is not theirs. */
  markRead(id: string, memberId: string, now: Date): Promise<NoticeRow | undefined>;
}

/** The PII access log. */
export interface PiiAccessStore {
  /** Writes every entry in one statement: all or none. How many. */
  record(entries: readonly PiiAccessRow[]): Promise<number>;
  /** One member's accesses, newest first; `first + 1` rows. */
  pageForMember(memberId: string, first: number, after?: Cursor): Promise<PiiAccessRow[]>;
  pagesForMembers(memberIds: readonly string[], first: number, after?: Cursor): Promise<Map<string, PiiAccessRow[]>>;
}

/** Every store of identity, seen through one scope; `transaction` gives the same stores bound to a transaction. */
export interface IdentityStores {
  members: MemberStore;
  sessions: SessionStore;
  registrationCodes: RegistrationCodeStore;
  passwordResetCodes: PasswordResetCodeStore;
  staff: StaffStore;
  operations: StaffOperationStore;
  bans: BanStore;
  verifications: VerificationStore;
  erasures: ErasureStore;
  exports: DataExportStore;
  consents: ConsentStore;
  inbox: InboxStore;
  piiAccessLog: PiiAccessStore;
  partners: PartnerStore;
  transaction: Transaction;
}
