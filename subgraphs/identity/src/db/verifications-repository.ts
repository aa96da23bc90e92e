import { randomUUID } from 'node:crypto';
import { and, asc, count, desc, eq, getTableColumns, gt, gte, inArray, isNull, lte, ne, or, sql } from 'drizzle-orm';
import type { Db } from '@membership/db';
import { recordEvent } from '@membership/events';
import type { Cursor } from '@membership/subgraph';
import { openValue, sealValue, unwrapDataKey, wrapDataKey, type KeyRing, type SealedField } from '../domain/encryption.js';
import type { NewVerification, Verification, VerificationState } from '../domain/records.js';
import type { MemberDataScope } from '../domain/scope.js';
import type { RefusalKind, RejectionKind } from '../domain/refusals.js';
import { NoDataKeyError, type LevelOf, type VerificationStore } from '../domain/stores.js';
import { unique } from './errors.js';
import { visibleTo } from './scope.js';
import { memberKeys, outbox, verificationRefusals, verifications } from './schema.js';

type VerificationRow = typeof verifications.$inferSelect;

/** The levels a reviewer decides. */
const REVIEWED = ['advanced', 'enterprise'];

const joined = { ...getTableColumns(verifications), wrappedKey: memberKeys.wrappedKey };
type JoinedRow = VerificationRow & { wrappedKey: string | null };

/**
 * All SQL about real-name verifications, seen through the request's scope. Values go in
 * sealed with the member's data key and come out decrypted in memory, so a page of
 * verifications is one statement.
 */
export class VerificationsRepository implements VerificationStore {
  constructor(
    private readonly db: Db,
    private readonly ring: KeyRing,
    private readonly scope: MemberDataScope,
  ) {}

  private visible() {
    return visibleTo(this.scope, verifications.memberId);
  }

  private open(row: JoinedRow): Verification {
    const {
      realNameCiphertext,
      idNumberCiphertext,
      idNumberLookup: _lookup,
      documentImageCiphertext,
      faceImageCiphertext,
      companyNameCiphertext,
      creditCodeCiphertext,
      creditCodeLookup: _creditLookup,
      licenceDocumentCiphertext,
      wrappedKey,
      ...rest
    } = row;
    const key = wrappedKey ? unwrapDataKey(this.ring, row.memberId, wrappedKey) : null;
    const read = (field: SealedField, sealed: string | null) => (key && sealed ? openValue(key, row.memberId, field, sealed) : null);
    return {
      ...rest,
      realName: read('real_name', realNameCiphertext),
      idNumber: read('id_number', idNumberCiphertext),
      documentImageRef: read('document_image', documentImageCiphertext),
      faceImageRef: read('face_image', faceImageCiphertext),
      companyName: read('company_name', companyNameCiphertext),
      creditCode: read('credit_code', creditCodeCiphertext),
      licenceDocumentRef: read('licence_document', licenceDocumentCiphertext),
    };
  }

  private select() {
    return this.db.select(joined).from(verifications).leftJoin(memberKeys, eq(memberKeys.memberId, verifications.memberId));
  }

  async byId(id: string): Promise<Verification | undefined> {
    const [row] = await this.select()
      .where(and(eq(verifications.id, id), this.visible()))
      .limit(1);
    return row ? this.open(row) : undefined;
  }

  /** The approved verifications of each member (what their level is computed from), in one statement. */
  async approvedFor(memberIds: readonly string[]): Promise<Map<string, VerificationState[]>> {
    const rows = await this.db
      .select()
      .from(verifications)
      .where(and(inArray(verifications.memberId, [...memberIds]), eq(verifications.status, 'approved'), this.visible()));
    const byMember = new Map<string, VerificationState[]>();
    for (const row of rows) byMember.set(row.memberId, [...(byMember.get(row.memberId) ?? []), row]);
    return byMember;
  }

  /** Each member's newest `limit` verifications, decrypted, in one statement. */
  async recentFor(memberIds: readonly string[], limit: number): Promise<Map<string, Verification[]>> {
    const ranked = this.db
      .select({
        ...joined,
        rank: sql<number>`row_number() over (partition by ${verifications.memberId} order by ${verifications.submittedAt} desc, ${verifications.id} desc)`.as(
          'rank',
        ),
      })
      .from(verifications)
      .leftJoin(memberKeys, eq(memberKeys.memberId, verifications.memberId))
      .where(and(inArray(verifications.memberId, [...memberIds]), this.visible()))
      .as('ranked');
    const { rank, ...columns } = ranked._.selectedFields;
    const rows = (await this.db
      .select(columns)
      .from(ranked)
      .where(lte(rank, limit))
      .orderBy(asc(ranked.memberId), desc(ranked.submittedAt), desc(ranked.id))) as JoinedRow[];
    const byMember = new Map<string, Verification[]>();
    for (const row of rows) byMember.set(row.memberId, [...(byMember.get(row.memberId) ?? []), this.open(row)]);
    return byMember;
  }

  /** Advanced and enterprise verifications waiting for a reviewer, oldest first; `first + 1` rows. */
  async reviewQueue(first: number, after?: Cursor): Promise<Verification[]> {
    const where = and(
      this.visible(),
      eq(verifications.status, 'pending'),
      inArray(verifications.level, REVIEWED),
      after
        ? or(gt(verifications.submittedAt, after.at), and(eq(verifications.submittedAt, after.at), gt(verifications.id, after.id)))
        : undefined,
    );
    const rows = await this.select()
      .where(where)
      .orderBy(asc(verifications.submittedAt), asc(verifications.id))
      .limit(first + 1);
    return rows.map((r) => this.open(r));
  }

  /** How many of the member's verifications of `level` were refused since `since`. */
  async rejectedSince(memberId: string, level: 'primary' | 'advanced', since: Date): Promise<number> {
    const [row] = await this.db
      .select({ n: count() })
      .from(verifications)
      .where(
        and(
          eq(verifications.memberId, memberId),
          eq(verifications.level, level),
          eq(verifications.status, 'rejected'),
          gte(verifications.submittedAt, since),
          this.visible(),
        ),
      );
    return Number(row?.n ?? 0);
  }

  /** The member's verifications of `level` that are pending review. */
  async pendingFor(memberId: string, level: 'primary' | 'advanced' | 'enterprise'): Promise<number> {
    const [row] = await this.db
      .select({ n: count() })
      .from(verifications)
      .where(
        and(eq(verifications.memberId, memberId), eq(verifications.level, level), eq(verifications.status, 'pending'), this.visible()),
      );
    return Number(row?.n ?? 0);
  }

  /**
   * True when another member holds an approved verification with this ID number. Not
   * limited by the scope: it answers yes or no about a uniqueness rule, never with a row.
   */
  async idNumberVerifiedElsewhere(idNumberLookup: string, memberId: string): Promise<boolean> {
    const [row] = await this.db
      .select({ id: verifications.id })
      .from(verifications)
      .where(
        and(eq(verifications.idNumberLookup, idNumberLookup), eq(verifications.status, 'approved'), ne(verifications.memberId, memberId)),
      )
      .limit(1);
    return row !== undefined;
  }

  /** As idNumberVerifiedElsewhere, for a company's credit code. */
  async creditCodeVerifiedElsewhere(creditCodeLookup: string, memberId: string): Promise<boolean> {
    const [row] = await this.db
      .select({ id: verifications.id })
      .from(verifications)
      .where(
        and(
          eq(verifications.creditCodeLookup, creditCodeLookup),
          eq(verifications.status, 'approved'),
          ne(verifications.memberId, memberId),
        ),
      )
      .limit(1);
    return row !== undefined;
  }

  /** Which of these members have an open refusal: one statement. */
  async refusedAmong(memberIds: readonly string[]): Promise<Set<string>> {
    if (memberIds.length === 0) return new Set();
    const rows = await this.db
      .selectDistinct({ memberId: verificationRefusals.memberId })
      .from(verificationRefusals)
      .where(
        and(
          inArray(verificationRefusals.memberId, [...memberIds]),
          isNull(verificationRefusals.clearedAt),
          visibleTo(this.scope, verificationRefusals.memberId),
        ),
      );
    return new Set(rows.map((r) => r.memberId));
  }

  /** Each member's live approved enterprise verification (the newest-expiring), decrypted: one statement. */
  async enterpriseFor(memberIds: readonly string[], now: Date): Promise<Map<string, Verification>> {
    if (memberIds.length === 0) return new Map();
    const rows = await this.select()
      .where(
        and(
          inArray(verifications.memberId, [...memberIds]),
          eq(verifications.level, 'enterprise'),
          eq(verifications.status, 'approved'),
          gt(verifications.expiresAt, now),
          this.visible(),
        ),
      )
      .orderBy(asc(verifications.expiresAt));
    // Ascending, so the newest-expiring of a member is set last.
    return new Map(rows.map((r) => [r.memberId, this.open(r)]));
  }

  /** Records a refusal and the member's refused state as an event. Call it in a transaction. */
  async recordRefusal(
    refusal: { memberId: string; kind: RefusalKind; verificationId: string | null; at: Date },
    levelOf: LevelOf,
  ): Promise<void> {
    await this.db.insert(verificationRefusals).values({
      id: randomUUID(),
      memberId: refusal.memberId,
      kind: refusal.kind,
      verificationId: refusal.verificationId,
      recordedAt: refusal.at,
    });
    await this.emitLevel(refusal.memberId, levelOf, refusal.at, true);
  }

  private async emitLevel(memberId: string, levelOf: LevelOf, at: Date, refused: boolean): Promise<void> {
    const approved = await this.db
      .select()
      .from(verifications)
      .where(and(eq(verifications.memberId, memberId), eq(verifications.status, 'approved')));
    const { level, expiresAt } = levelOf(approved);
    await recordEvent(
      this.db,
      outbox,
      'MemberVerificationChanged',
      {
        memberId,
        level,
        expiresAt: expiresAt?.toISOString() ?? null,
        changedAt: at.toISOString(),
        refused,
      },
      { now: at },
    );
  }

  private async dataKey(memberId: string): Promise<Buffer> {
    const [row] = await this.db.select({ wrappedKey: memberKeys.wrappedKey }).from(memberKeys).where(eq(memberKeys.memberId, memberId));
    if (!row) throw new NoDataKeyError(`member ${memberId} has no data key`);
    return unwrapDataKey(this.ring, memberId, row.wrappedKey);
  }

  /**
   * After an approval, in the same transaction: ends the member's open refusals (an approved
   * verification is what lifts the restriction) and records the member's level, refused: false.
   */
  private async recordLevel(memberId: string, levelOf: LevelOf, at: Date): Promise<void> {
    await this.db
      .update(verificationRefusals)
      .set({ clearedAt: at })
      .where(and(eq(verificationRefusals.memberId, memberId), isNull(verificationRefusals.clearedAt)));
    await this.emitLevel(memberId, levelOf, at, false);
  }

  /**
   * Writes a submission sealed with the member's data key. An approved one supersedes
   * the member's earlier approved verification of the same level (an approved primary for
   * another ID number also supersedes the advanced one) and records the member's new level
   * as an event. Call it in a transaction.
   */
  async submit(input: NewVerification, levelOf: LevelOf): Promise<Verification> {
    const key = await this.dataKey(input.memberId);
    const seal = (field: SealedField, value?: string) => (value ? sealValue(key, input.memberId, field, value) : null);
    if (input.status === 'approved') {
      const [previous] = await this.db
        .select({ lookup: verifications.idNumberLookup })
        .from(verifications)
        .where(and(eq(verifications.memberId, input.memberId), eq(verifications.status, 'approved'), eq(verifications.level, input.level)))
        .limit(1);
      // Documents reviewed for another ID number say nothing about this one.
      const levels =
        input.level === 'primary' && previous && previous.lookup !== input.idNumberLookup ? ['primary', 'advanced'] : [input.level];
      await this.db
        .update(verifications)
        .set({ status: 'superseded' })
        .where(and(eq(verifications.memberId, input.memberId), eq(verifications.status, 'approved'), inArray(verifications.level, levels)));
    }
    const [row] = await unique(() =>
      this.db
        .insert(verifications)
        .values({
          id: input.id,
          memberId: input.memberId,
          level: input.level,
          status: input.status,
          realNameCiphertext: seal('real_name', input.realName),
          idNumberCiphertext: seal('id_number', input.idNumber),
          idNumberLookup: input.idNumberLookup ?? null,
          documentImageCiphertext: seal('document_image', input.documentImageRef),
          faceImageCiphertext: seal('face_image', input.faceImageRef),
          companyNameCiphertext: seal('company_name', input.companyName),
          creditCodeCiphertext: seal('credit_code', input.creditCode),
          creditCodeLookup: input.creditCodeLookup ?? null,
          licenceDocumentCiphertext: seal('licence_document', input.licenceDocumentRef),
          rejectionKind: input.rejectionKind ?? null,
          submittedAt: input.submittedAt,
          decidedAt: input.decidedAt ?? null,
          decidedBy: input.decidedBy ?? null,
          rejectionReason: input.rejectionReason ?? null,
          expiresAt: input.expiresAt ?? null,
        })
        .returning(),
    );
    if (input.status === 'approved') await this.recordLevel(input.memberId, levelOf, input.submittedAt);
    return this.open({ ...row!, wrappedKey: wrapDataKey(this.ring, input.memberId, key) });
  }

  /**
   * A reviewer's decision on a pending advanced verification; when approved it supersedes
   * the earlier advanced one and records the new level. Undefined when it is not pending
   * (any more). Call it in a transaction.
   */
  async decide(
    id: string,
    decision: {
      status: 'approved' | 'rejected';
      rejectionReason: string | null;
      rejectionKind?: RejectionKind | null;
      expiresAt: Date | null;
    },
    decided: { by: string; at: Date },
    levelOf: LevelOf,
  ): Promise<Verification | undefined> {
    // Locked, so the earlier approval is superseded only for a decision that then happens.
    const [pending] = await this.db
      .select({ memberId: verifications.memberId, level: verifications.level })
      .from(verifications)
      .where(and(eq(verifications.id, id), eq(verifications.status, 'pending'), inArray(verifications.level, REVIEWED), this.visible()))
      .for('update');
    if (!pending) return undefined;
    if (decision.status === 'approved') {
      // First, so a renewal for the same company does not meet its own earlier approval in the unique index.
      await this.db
        .update(verifications)
        .set({ status: 'superseded' })
        .where(
          and(eq(verifications.memberId, pending.memberId), eq(verifications.level, pending.level), eq(verifications.status, 'approved')),
        );
    }
    await unique(() =>
      this.db
        .update(verifications)
        .set({
          status: decision.status,
          decidedAt: decided.at,
          decidedBy: decided.by,
          rejectionReason: decision.rejectionReason,
          rejectionKind: decision.status === 'rejected' ? (decision.rejectionKind ?? 'insufficient') : null,
          expiresAt: decision.expiresAt,
        })
        .where(eq(verifications.id, id)),
    );
    if (decision.status === 'approved') {
      await this.recordLevel(pending.memberId, levelOf, decided.at);
    }
    const [withKey] = await this.select().where(eq(verifications.id, id));
    return this.open(withKey!);
  }
}
