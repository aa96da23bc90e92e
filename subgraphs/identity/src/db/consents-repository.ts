import { randomUUID } from 'node:crypto';
import { and, desc, eq, inArray, isNull, lte, or, sql } from 'drizzle-orm';
import type { Db } from '@membership/db';
import type { Capture, ConsentChange } from '../domain/consent-rules.js';
import type { ConsentRecordRow, NewPolicyVersion, PolicyAcceptanceRow, PolicyVersionRow } from '../domain/records.js';
import type { MemberDataScope } from '../domain/scope.js';
import type { ConsentStore } from '../domain/stores.js';
import { unique } from './errors.js';
import { visibleTo } from './scope.js';
import { consentRecords, policyAcceptances, policyVersions } from './schema.js';

/**
 * All SQL about policy versions, their acceptance and members' consents. Policies are
 * public; acceptances and consents are read through the request's scope.
 */
export class ConsentsRepository implements ConsentStore {
  constructor(
    private readonly db: Db,
    private readonly scope: MemberDataScope,
  ) {}

  /** The version of each policy kind in force at `at` (announced ones wait for their date): one statement. */
  async currentPolicies(at: Date): Promise<PolicyVersionRow[]> {
    const takesEffect = sql<Date>`coalesce(${policyVersions.effectiveAt}, ${policyVersions.publishedAt})`;
    return this.db
      .selectDistinctOn([policyVersions.kind])
      .from(policyVersions)
      .where(or(lte(policyVersions.effectiveAt, at), and(isNull(policyVersions.effectiveAt), lte(policyVersions.publishedAt, at))))
      .orderBy(policyVersions.kind, desc(takesEffect), desc(policyVersions.seq));
  }

  async policy(kind: string, version: string): Promise<PolicyVersionRow | undefined> {
    const [row] = await this.db
      .select()
      .from(policyVersions)
      .where(and(eq(policyVersions.kind, kind), eq(policyVersions.version, version)))
      .limit(1);
    return row;
  }

  /** Publishes a version; the unique index refuses one published already. */
  async publish(row: NewPolicyVersion): Promise<PolicyVersionRow> {
    const [inserted] = await unique(() => this.db.insert(policyVersions).values(row).returning());
    return inserted!;
  }

  /** Records the acceptance once; accepting the same version again returns the first record. */
  async accept(memberId: string, policy: PolicyVersionRow, at: Date, capture: Capture): Promise<PolicyAcceptanceRow> {
    await this.db
      .insert(policyAcceptances)
      .values({ id: randomUUID(), memberId, policyVersionId: policy.id, acceptedAt: at, ...capture, textHash: policy.textHash })
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
      .where(and(inArray(policyAcceptances.memberId, [...memberIds]), visibleTo(this.scope, policyAcceptances.memberId)))
      .orderBy(desc(policyAcceptances.acceptedAt), desc(policyAcceptances.id));
    const byMember = new Map<string, PolicyAcceptanceRow[]>();
    for (const { acceptance, policy } of rows)
      byMember.set(acceptance.memberId, [...(byMember.get(acceptance.memberId) ?? []), { ...acceptance, policy }]);
    return byMember;
  }

  /** Which of these versions the member accepted. */
  async acceptedVersionIds(memberId: string, versionIds: readonly string[]): Promise<Set<string>> {
    if (versionIds.length === 0) return new Set();
    const rows = await this.db
      .select({ id: policyAcceptances.policyVersionId })
      .from(policyAcceptances)
      .where(
        and(
          eq(policyAcceptances.memberId, memberId),
          inArray(policyAcceptances.policyVersionId, [...versionIds]),
          visibleTo(this.scope, policyAcceptances.memberId),
        ),
      );
    return new Set(rows.map((r) => r.id));
  }

  /** The consents in force for each member (newest record per purpose, channel, partner, category): one statement. */
  async inForceFor(memberIds: readonly string[]): Promise<Map<string, ConsentRecordRow[]>> {
    if (memberIds.length === 0) return new Map();
    const rows = await this.db
      .selectDistinctOn([
        consentRecords.memberId,
        consentRecords.purpose,
        consentRecords.marketingChannel,
        consentRecords.partnerId,
        consentRecords.piiCategory,
      ])
      .from(consentRecords)
      .where(and(inArray(consentRecords.memberId, [...memberIds]), visibleTo(this.scope, consentRecords.memberId)))
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
        rank: sql<number>`row_number() over (partition by ${consentRecords.memberId} order by ${consentRecords.recordedAt} desc, ${consentRecords.seq} desc)`.as(
          'rank',
        ),
      })
      .from(consentRecords)
      .where(and(inArray(consentRecords.memberId, [...memberIds]), visibleTo(this.scope, consentRecords.memberId)))
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
