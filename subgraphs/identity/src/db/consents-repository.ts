import { randomUUID } from 'node:crypto';
import { and, desc, eq, inArray, lte, sql } from 'drizzle-orm';
import type { Db } from '@membership/db';
import type { CaptureChannel, CaptureMethod, ConsentChange } from '../domain/consent-rules.js';
import { consentRecords, policyAcceptances, policyVersions } from './schema.js';
import { policyChangedNotice } from '../domain/notices.js';
import { InboxRepository } from './inbox-repository.js';
import { recordStaffOperation, type StaffOperation } from './staff-operation-log.js';

export type PolicyVersionRow = typeof policyVersions.$inferSelect;
export type NewPolicyVersion = Omit<typeof policyVersions.$inferInsert, 'seq'> & { id: string };
export type ConsentRecordRow = typeof consentRecords.$inferSelect;
export type PolicyAcceptanceRow = typeof policyAcceptances.$inferSelect & { policy: PolicyVersionRow };

/** How a consent was captured. */
export interface Capture {
  channel: CaptureChannel;
  method: CaptureMethod;
}

/** All SQL about policy versions, their acceptance and members' consents. */
export class ConsentsRepository {
  constructor(private readonly db: Db) {}

  /** The newest published version of each policy kind: one statement. */
  async currentPolicies(): Promise<PolicyVersionRow[]> {
    return this.db
      .selectDistinctOn([policyVersions.kind])
      .from(policyVersions)
      .orderBy(policyVersions.kind, desc(policyVersions.publishedAt), desc(policyVersions.seq));
  }

  async policy(kind: string, version: string): Promise<PolicyVersionRow | undefined> {
    const [row] = await this.db
      .select()
      .from(policyVersions)
      .where(and(eq(policyVersions.kind, kind), eq(policyVersions.version, version)))
      .limit(1);
    return row;
  }

  /**
   * Publishes a version, logs the staff operation and puts a notice in every member's
   * inbox (keyed by the version's id), in one transaction.
   */
  async publish(row: NewPolicyVersion, op: Omit<StaffOperation, 'operation' | 'target' | 'at' | 'after'>): Promise<PolicyVersionRow> {
    return this.db.transaction(async (t) => {
      const tx = t as unknown as Db;
      const [inserted] = await tx.insert(policyVersions).values(row).returning();
      await recordStaffOperation(tx, {
        ...op,
        operation: 'policy.publish',
        target: { type: 'policy_version', id: row.id },
        after: { kind: row.kind, version: row.version, textHash: row.textHash },
        at: row.publishedAt,
      });
      await new InboxRepository(tx).addForEveryone(policyChangedNotice(row), { eventId: row.id, at: row.publishedAt });
      return inserted!;
    });
  }

  /** Records the acceptance once; accepting the same version again returns the first record. */
  async accept(memberId: string, policy: PolicyVersionRow, at: Date, capture: Capture): Promise<PolicyAcceptanceRow> {
    await this.db
      .insert(policyAcceptances)
      .values({ id: randomUUID(), memberId, policyVersionId: policy.id, acceptedAt: at, ...capture })
      .onConflictDoNothing();
    const [row] = await this.db
      .select()
      .from(policyAcceptances)
      .where(and(eq(policyAcceptances.memberId, memberId), eq(policyAcceptances.policyVersionId, policy.id)));
    return { ...row!, policy };
  }

  /** Each member's accepted versions with the policy, newest first: one statement. */
  async acceptancesFor(memberIds: readonly string[]): Promise<Map<string, PolicyAcceptanceRow[]>> {
    if (memberIds.length === 0) return new Map();
    const rows = await this.db
      .select({ acceptance: policyAcceptances, policy: policyVersions })
      .from(policyAcceptances)
      .innerJoin(policyVersions, eq(policyVersions.id, policyAcceptances.policyVersionId))
      .where(inArray(policyAcceptances.memberId, [...memberIds]))
      .orderBy(desc(policyAcceptances.acceptedAt), desc(policyAcceptances.id));
    const byMember = new Map<string, PolicyAcceptanceRow[]>();
    for (const { acceptance, policy } of rows) byMember.set(acceptance.memberId, [...(byMember.get(acceptance.memberId) ?? []), { ...acceptance, policy }]);
    return byMember;
  }

  /** Which of these versions the member accepted. */
  async acceptedVersionIds(memberId: string, versionIds: readonly string[]): Promise<Set<string>> {
    if (versionIds.length === 0) return new Set();
    const rows = await this.db
      .select({ id: policyAcceptances.policyVersionId })
      .from(policyAcceptances)
      .where(and(eq(policyAcceptances.memberId, memberId), inArray(policyAcceptances.policyVersionId, [...versionIds])));
    return new Set(rows.map((r) => r.id));
  }

  /** The consents in force for each member (newest record per purpose, channel, partner, category): one statement. */
  async inForceFor(memberIds: readonly string[]): Promise<Map<string, ConsentRecordRow[]>> {
    if (memberIds.length === 0) return new Map();
    const rows = await this.db
      .selectDistinctOn([consentRecords.memberId, consentRecords.purpose, consentRecords.marketingChannel, consentRecords.partnerId, consentRecords.piiCategory])
      .from(consentRecords)
      .where(inArray(consentRecords.memberId, [...memberIds]))
      .orderBy(
        consentRecords.memberId,
        consentRecords.purpose,
        consentRecords.marketingChannel,
        consentRecords.partnerId,
        consentRecords.piiCategory,
        desc(consentRecords.recordedAt),
        desc(consentRecords.seq),
      );
    const byMember = new Map<string, ConsentRecordRow[]>();
    for (const row of rows) byMember.set(row.memberId, [...(byMember.get(row.memberId) ?? []), row]);
    return byMember;
  }

  /** Each member's newest `limit` consent records, newest first: one statement. */
  async historyFor(memberIds: readonly string[], limit: number): Promise<Map<string, ConsentRecordRow[]>> {
    if (memberIds.length === 0) return new Map();
    const ranked = this.db
      .select({
        id: consentRecords.id,
        rank: sql<number>`row_number() over (partition by ${consentRecords.memberId} order by ${consentRecords.recordedAt} desc, ${consentRecords.seq} desc)`.as('rank'),
      })
      .from(consentRecords)
      .where(inArray(consentRecords.memberId, [...memberIds]))
      .as('ranked');
    const rows = await this.db
      .select({ record: consentRecords })
      .from(consentRecords)
      .innerJoin(ranked, eq(ranked.id, consentRecords.id))
      .where(lte(ranked.rank, limit))
      .orderBy(desc(consentRecords.recordedAt), desc(consentRecords.seq));
    const byMember = new Map<string, ConsentRecordRow[]>();
    for (const { record } of rows) byMember.set(record.memberId, [...(byMember.get(record.memberId) ?? []), record]);
    return byMember;
  }

  /** Appends consent records, all or none. */
  async append(memberId: string, changes: readonly ConsentChange[], at: Date, capture: Capture): Promise<ConsentRecordRow[]> {
    if (changes.length === 0) return [];
    return this.db
      .insert(consentRecords)
      .values(changes.map((c) => ({ id: randomUUID(), memberId, ...c, recordedAt: at, ...capture })))
      .returning();
  }
}
