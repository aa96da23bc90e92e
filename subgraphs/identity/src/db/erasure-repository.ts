import { randomUUID } from 'node:crypto';
import { and, asc, desc, eq, gt, inArray, lte, sql } from 'drizzle-orm';
import type { Db } from '@membership/db';
import { recordEvent } from '@membership/events';
import { ERASED_DISPLAY_NAME, ERASED_PASSWORD_HASH } from '../domain/erasure-rules.js';
import type { ErasureRequestRow } from '../domain/records.js';
import type { MemberDataScope } from '../domain/scope.js';
import type { ErasureStore } from '../domain/stores.js';
import { unique } from './errors.js';
import { visibleTo } from './scope.js';
import {
  consentRecords,
  dataExports,
  policyAcceptances,
  profileChanges,
  inboxNotices,
  noticeAudiences,
  memberCards,
  notificationDeliveries,
  erasureRequests,
  memberProfiles,
  members,
  verificationRefusals,
  notificationsOutbox,
  outbox,
  passwordResetCodes,
  refreshTokens,
  registrationCodes,
  verifications,
} from './schema.js';

/** All SQL about erasure requests, seen through the request's scope, and the erasure itself. */
export class ErasureRepository implements ErasureStore {
  constructor(
    private readonly db: Db,
    private readonly scope: MemberDataScope,
  ) {}

  private visible() {
    return visibleTo(this.scope, erasureRequests.memberId);
  }

  /** Each member's newest request: one statement for all of them. */
  async latestFor(memberIds: readonly string[]): Promise<Map<string, ErasureRequestRow>> {
    if (memberIds.length === 0) return new Map();
    const rows = await this.db
      .selectDistinctOn([erasureRequests.memberId])
      .from(erasureRequests)
      .where(and(inArray(erasureRequests.memberId, [...memberIds]), this.visible()))
      .orderBy(erasureRequests.memberId, desc(erasureRequests.requestedAt), desc(erasureRequests.id));
    return new Map(rows.map((r) => [r.memberId, r]));
  }

  async historyFor(memberId: string): Promise<ErasureRequestRow[]> {
    return this.db
      .select()
      .from(erasureRequests)
      .where(and(eq(erasureRequests.memberId, memberId), this.visible()))
      .orderBy(asc(erasureRequests.requestedAt), asc(erasureRequests.id));
  }

  async pendingFor(memberId: string): Promise<ErasureRequestRow | undefined> {
    const [row] = await this.db
      .select()
      .from(erasureRequests)
      .where(and(eq(erasureRequests.memberId, memberId), eq(erasureRequests.status, 'pending'), this.visible()))
      .limit(1);
    return row;
  }

  /** Inserts a pending request; the partial unique index refuses a second pending one. */
  async create(memberId: string, requestedAt: Date, dueAt: Date): Promise<ErasureRequestRow> {
    const [row] = await unique(() =>
      this.db.insert(erasureRequests).values({ id: randomUUID(), memberId, status: 'pending', requestedAt, dueAt }).returning(),
    );
    return row!;
  }

  /** Cancels the member's pending request if its grace period is still running; undefined otherwise. */
  async cancel(memberId: string, now: Date): Promise<ErasureRequestRow | undefined> {
    const [row] = await this.db
      .update(erasureRequests)
      .set({ status: 'cancelled', cancelledAt: now })
      .where(and(eq(erasureRequests.memberId, memberId), eq(erasureRequests.status, 'pending'), gt(erasureRequests.dueAt, now)))
      .returning();
    return row;
  }

  /** Requests whose grace period is over, oldest due first: one statement. */
  async due(now: Date, limit: number): Promise<ErasureRequestRow[]> {
    return this.db
      .select()
      .from(erasureRequests)
      .where(and(eq(erasureRequests.status, 'pending'), lte(erasureRequests.dueAt, now), this.visible()))
      .orderBy(asc(erasureRequests.dueAt), asc(erasureRequests.id))
      .limit(limit);
  }

  /** The request, locked so a racing cancellation waits and then finds it done. Call it in a transaction. */
  async lockById(requestId: string): Promise<ErasureRequestRow | undefined> {
    const [request] = await this.db
      .select()
      .from(erasureRequests)
      .where(and(eq(erasureRequests.id, requestId), this.visible()))
      .for('update');
    return request;
  }

  /**
   * Forgets the messages and codes sent to the member's contacts, found by their lookup
   * hashes, so it must run before the data key (and the hashes) go. Call it in a transaction.
   */
  async forgetContacts(memberId: string): Promise<void> {
    const [member] = await this.db
      .select({ emailLookup: members.emailLookup, phoneLookup: members.phoneLookup })
      .from(members)
      .where(eq(members.id, memberId))
      .for('update');
    const lookups = [member?.emailLookup, member?.phoneLookup].filter((v): v is string => Boolean(v));
    if (lookups.length > 0) {
      await this.db.delete(notificationsOutbox).where(inArray(notificationsOutbox.recipientLookup, lookups));
      await this.db.delete(notificationDeliveries).where(inArray(notificationDeliveries.recipientLookup, lookups));
      await this.db.delete(registrationCodes).where(inArray(registrationCodes.contactLookup, lookups));
    }
  }

  /**
   * Anonymises the account and drops its sessions, reset codes, verifications, data
   * exports, consents, profile change log, inbox and the events identity still holds
   * about the member, in set-based statements. Call it in a transaction.
   */
  async eraseMember(memberId: string, now: Date): Promise<void> {
    await this.db
      .update(members)
      .set({
        displayName: ERASED_DISPLAY_NAME,
        emailCiphertext: null,
        phoneCiphertext: null,
        passwordHash: ERASED_PASSWORD_HASH,
        emailVerifiedAt: null,
        phoneVerifiedAt: null,
        failedLogins: 0,
        lockCount: 0,
        lockedUntil: null,
        erasedAt: now,
      })
      .where(eq(members.id, memberId));
    await this.db.delete(refreshTokens).where(eq(refreshTokens.memberId, memberId));
    await this.db.delete(passwordResetCodes).where(eq(passwordResetCodes.memberId, memberId));
    await this.db.delete(verifications).where(eq(verifications.memberId, memberId));
    await this.db.delete(dataExports).where(eq(dataExports.memberId, memberId));
    await this.db.delete(consentRecords).where(eq(consentRecords.memberId, memberId));
    await this.db.delete(policyAcceptances).where(eq(policyAcceptances.memberId, memberId));
    await this.db.delete(profileChanges).where(eq(profileChanges.memberId, memberId));
    await this.db.delete(inboxNotices).where(eq(inboxNotices.memberId, memberId));
    await this.db.delete(noticeAudiences).where(eq(noticeAudiences.memberId, memberId));
    await this.db.delete(memberCards).where(eq(memberCards.memberId, memberId));
    await this.db.delete(memberProfiles).where(eq(memberProfiles.memberId, memberId));
    await this.db.delete(verificationRefusals).where(eq(verificationRefusals.memberId, memberId));
    await this.db.delete(outbox).where(sql`${outbox.payload} ->> 'memberId' = ${memberId}`);
  }

  /** Marks the request done and records MemberErased for the other subgraphs. Call it in a transaction. */
  async complete(requestId: string, memberId: string, now: Date): Promise<void> {
    await this.db.update(erasureRequests).set({ status: 'done', completedAt: now }).where(eq(erasureRequests.id, requestId));
    await recordEvent(this.db, outbox, 'MemberErased', { memberId, erasedAt: now.toISOString() }, { now });
  }
}
