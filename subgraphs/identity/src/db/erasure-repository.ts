import { randomUUID } from 'node:crypto';
import { and, asc, desc, eq, gt, inArray, lte, sql } from 'drizzle-orm';
import type { Db } from '@membership/db';
import { recordEvent } from '@membership/events';
import { ERASED_DISPLAY_NAME, ERASED_PASSWORD_HASH, isDue } from '../domain/erasure-rules.js';
import type { MembersRepository } from './members-repository.js';
import {
  consentRecords,
  dataExports,
  policyAcceptances,
  profileChanges,
  inboxNotices,
  noticeAudiences,
  erasureRequests,
  members,
  notificationsOutbox,
  outbox,
  passwordResetCodes,
  refreshTokens,
  registrationCodes,
  verifications,
} from './schema.js';

export type ErasureRequestRow = typeof erasureRequests.$inferSelect;

/** All SQL about erasure requests, and the erasure itself. */
export class ErasureRepository {
  constructor(
    private readonly db: Db,
    private readonly members: MembersRepository,
  ) {}

  /** Each member's newest request: one statement for all of them. */
  async latestFor(memberIds: readonly string[]): Promise<Map<string, ErasureRequestRow>> {
    if (memberIds.length === 0) return new Map();
    const rows = await this.db
      .selectDistinctOn([erasureRequests.memberId])
      .from(erasureRequests)
      .where(inArray(erasureRequests.memberId, [...memberIds]))
      .orderBy(erasureRequests.memberId, desc(erasureRequests.requestedAt), desc(erasureRequests.id));
    return new Map(rows.map((r) => [r.memberId, r]));
  }

  async pendingFor(memberId: string): Promise<ErasureRequestRow | undefined> {
    const [row] = await this.db
      .select()
      .from(erasureRequests)
      .where(and(eq(erasureRequests.memberId, memberId), eq(erasureRequests.status, 'pending')))
      .limit(1);
    return row;
  }

  /** Inserts a pending request; the partial unique index refuses a second pending one. */
  async create(memberId: string, requestedAt: Date, dueAt: Date): Promise<ErasureRequestRow> {
    const [row] = await this.db
      .insert(erasureRequests)
      .values({ id: randomUUID(), memberId, status: 'pending', requestedAt, dueAt })
      .returning();
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
      .where(and(eq(erasureRequests.status, 'pending'), lte(erasureRequests.dueAt, now)))
      .orderBy(asc(erasureRequests.dueAt), asc(erasureRequests.id))
      .limit(limit);
  }

  /**
   * Erases the member of one due request, in one transaction: forgets the messages and
   * codes sent to their contacts, destroys their data key (crypto-shredding), anonymises
   * the account, ends their sessions, drops their verifications, data exports, consents, profile change log, inbox and the events identity
   * still holds about them, marks the request done and records MemberErased. Returns the
   * member's id, or undefined when the request is no longer due (cancelled meanwhile).
   */
  async erase(requestId: string, now: Date): Promise<string | undefined> {
    return this.db.transaction(async (t) => {
      const tx = t as unknown as Db;
      // Locking the request makes a racing cancellation wait, then find it done.
      const [request] = await tx.select().from(erasureRequests).where(eq(erasureRequests.id, requestId)).for('update');
      if (!request || !isDue(request, now)) return undefined;
      const { memberId } = request;
      const [member] = await tx
        .select({ emailLookup: members.emailLookup, phoneLookup: members.phoneLookup })
        .from(members)
        .where(eq(members.id, memberId))
        .for('update');
      const lookups = [member?.emailLookup, member?.phoneLookup].filter((v): v is string => Boolean(v));
      if (lookups.length > 0) {
        await tx.delete(notificationsOutbox).where(inArray(notificationsOutbox.recipientLookup, lookups));
        await tx.delete(registrationCodes).where(inArray(registrationCodes.contactLookup, lookups));
      }
      await this.members.destroyDataKey(memberId, tx);
      await tx
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
      await tx.delete(refreshTokens).where(eq(refreshTokens.memberId, memberId));
      await tx.delete(passwordResetCodes).where(eq(passwordResetCodes.memberId, memberId));
      await tx.delete(verifications).where(eq(verifications.memberId, memberId));
      await tx.delete(dataExports).where(eq(dataExports.memberId, memberId));
      await tx.delete(consentRecords).where(eq(consentRecords.memberId, memberId));
      await tx.delete(policyAcceptances).where(eq(policyAcceptances.memberId, memberId));
      await tx.delete(profileChanges).where(eq(profileChanges.memberId, memberId));
      await tx.delete(inboxNotices).where(eq(inboxNotices.memberId, memberId));
      await tx.delete(noticeAudiences).where(eq(noticeAudiences.memberId, memberId));
      await tx.delete(outbox).where(sql`${outbox.payload} ->> 'memberId' = ${memberId}`);
      await tx.update(erasureRequests).set({ status: 'done', completedAt: now }).where(eq(erasureRequests.id, requestId));
      await recordEvent(tx, outbox, 'MemberErased', { memberId, erasedAt: now.toISOString() }, { now });
      return memberId;
    });
  }
}
