import { and, asc, count, desc, eq, getTableColumns, gt, gte, inArray, lte, ne, or, sql } from 'drizzle-orm';
import type { Db } from '@membership/db';
import { recordEvent } from '@membership/events';
import type { Cursor } from '@membership/subgraph';
import { openValue, sealValue, unwrapDataKey, wrapDataKey, type KeyRing, type SealedField } from '../domain/encryption.js';
import { memberKeys, outbox, verifications } from './schema.js';
import { recordStaffOperation, type StaffOperation } from './staff-operation-log.js';

export type VerificationRow = typeof verifications.$inferSelect;

/** A verification with its personal values decrypted (null when the member's key is gone). */
export type Verification = Omit<
  VerificationRow,
  'realNameCiphertext' | 'idNumberCiphertext' | 'idNumberLookup' | 'documentImageCiphertext' | 'faceImageCiphertext'
> & {
  realName: string | null;
  idNumber: string | null;
  documentImageRef: string | null;
  faceImageRef: string | null;
};

/** The level a member's approved verifications add up to, as the event carries it. */
export type LevelOf = (approved: VerificationRow[]) => { level: 'none' | 'primary' | 'advanced'; expiresAt: Date | null };

/** What a submission writes, in plaintext; the repository seals it with the member's data key. */
export interface NewVerification {
  id: string;
  memberId: string;
  level: 'primary' | 'advanced';
  status: 'pending' | 'approved' | 'rejected';
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

const joined = { ...getTableColumns(verifications), wrappedKey: memberKeys.wrappedKey };
type JoinedRow = VerificationRow & { wrappedKey: string | null };

/** Raised inside a transaction when the member has no data key (erased); nothing is written. */
export class NoDataKeyError extends Error {
  override name = 'NoDataKeyError';
}

/**
 * All SQL about real-name verifications. Values go in sealed with the member's data key
 * and come out decrypted in memory, so a page of verifications is one statement.
 */
export class VerificationsRepository {
  constructor(
    private readonly db: Db,
    private readonly ring: KeyRing,
  ) {}

  private open(row: JoinedRow): Verification {
    const {
      realNameCiphertext,
      idNumberCiphertext,
      idNumberLookup: _lookup,
      documentImageCiphertext,
      faceImageCiphertext,
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
    };
  }

  private select(db: Db = this.db) {
    return db.select(joined).from(verifications).leftJoin(memberKeys, eq(memberKeys.memberId, verifications.memberId));
  }

  async byId(id: string): Promise<Verification | undefined> {
    const [row] = await this.select().where(eq(verifications.id, id)).limit(1);
    return row ? this.open(row) : undefined;
  }

  /** The approved verifications of each member (what their level is computed from), in one statement. */
  async approvedFor(memberIds: readonly string[]): Promise<Map<string, VerificationRow[]>> {
    const rows = await this.db
      .select()
      .from(verifications)
      .where(and(inArray(verifications.memberId, [...memberIds]), eq(verifications.status, 'approved')));
    const byMember = new Map<string, VerificationRow[]>();
    for (const row of rows) byMember.set(row.memberId, [...(byMember.get(row.memberId) ?? []), row]);
    return byMember;
  }

  /** Each member's newest `limit` verifications, decrypted, in one statement. */
  async recentFor(memberIds: readonly string[], limit: number): Promise<Map<string, Verification[]>> {
    const ranked = this.db
      .select({
        ...joined,
        rank: sql<number>`row_number() over (partition by ${verifications.memberId} order by ${verifications.submittedAt} desc, ${verifications.id} desc)`.as('rank'),
      })
      .from(verifications)
      .leftJoin(memberKeys, eq(memberKeys.memberId, verifications.memberId))
      .where(inArray(verifications.memberId, [...memberIds]))
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

  /** Advanced verifications waiting for a reviewer, oldest first; `first + 1` rows. */
  async reviewQueue(first: number, after?: Cursor): Promise<Verification[]> {
    const where = and(
      eq(verifications.status, 'pending'),
      eq(verifications.level, 'advanced'),
      after ? or(gt(verifications.submittedAt, after.at), and(eq(verifications.submittedAt, after.at), gt(verifications.id, after.id))) : undefined,
    );
    const rows = await this.select().where(where).orderBy(asc(verifications.submittedAt), asc(verifications.id)).limit(first + 1);
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
        ),
      );
    return Number(row?.n ?? 0);
  }

  /** The member's verifications of `level` that are pending review. */
  async pendingFor(memberId: string, level: 'primary' | 'advanced'): Promise<number> {
    const [row] = await this.db
      .select({ n: count() })
      .from(verifications)
      .where(and(eq(verifications.memberId, memberId), eq(verifications.level, level), eq(verifications.status, 'pending')));
    return Number(row?.n ?? 0);
  }

  /** True when another member holds an approved verification with this ID number. */
  async idNumberVerifiedElsewhere(idNumberLookup: string, memberId: string): Promise<boolean> {
    const [row] = await this.db
      .select({ id: verifications.id })
      .from(verifications)
      .where(and(eq(verifications.idNumberLookup, idNumberLookup), eq(verifications.status, 'approved'), ne(verifications.memberId, memberId)))
      .limit(1);
    return row !== undefined;
  }

  private async dataKey(tx: Db, memberId: string): Promise<Buffer> {
    const [row] = await tx.select({ wrappedKey: memberKeys.wrappedKey }).from(memberKeys).where(eq(memberKeys.memberId, memberId));
    if (!row) throw new NoDataKeyError(`member ${memberId} has no data key`);
    return unwrapDataKey(this.ring, memberId, row.wrappedKey);
  }

  /** Records the member's level after a change, in the same transaction. */
  private async recordLevel(tx: Db, memberId: string, levelOf: LevelOf, at: Date): Promise<void> {
    const approved = await tx
      .select()
      .from(verifications)
      .where(and(eq(verifications.memberId, memberId), eq(verifications.status, 'approved')));
    const { level, expiresAt } = levelOf(approved);
    await recordEvent(tx, outbox, 'MemberVerificationChanged', {
      memberId,
      level,
      expiresAt: expiresAt?.toISOString() ?? null,
      changedAt: at.toISOString(),
    }, { now: at });
  }

  /**
   * Writes a submission sealed with the member's data key. An approved one supersedes
   * the member's earlier approved verification of the same level (an approved primary for
   * another ID number also supersedes the advanced one) and records the member's new level
   * as an event, all in one transaction.
   */
  async submit(input: NewVerification, levelOf: LevelOf): Promise<Verification> {
    return this.db.transaction(async (t) => {
      const tx = t as unknown as Db;
      const key = await this.dataKey(tx, input.memberId);
      const seal = (field: SealedField, value?: string) => (value ? sealValue(key, input.memberId, field, value) : null);
      if (input.status === 'approved') {
        const [previous] = await tx
          .select({ lookup: verifications.idNumberLookup })
          .from(verifications)
          .where(and(eq(verifications.memberId, input.memberId), eq(verifications.status, 'approved'), eq(verifications.level, input.level)))
          .limit(1);
        // Documents reviewed for another ID number say nothing about this one.
        const levels = input.level === 'primary' && previous && previous.lookup !== input.idNumberLookup ? ['primary', 'advanced'] : [input.level];
        await tx
          .update(verifications)
          .set({ status: 'superseded' })
          .where(and(eq(verifications.memberId, input.memberId), eq(verifications.status, 'approved'), inArray(verifications.level, levels)));
      }
      const [row] = await tx
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
          submittedAt: input.submittedAt,
          decidedAt: input.decidedAt ?? null,
          decidedBy: input.decidedBy ?? null,
          rejectionReason: input.rejectionReason ?? null,
          expiresAt: input.expiresAt ?? null,
        })
        .returning();
      if (input.status === 'approved') await this.recordLevel(tx, input.memberId, levelOf, input.submittedAt);
      return this.open({ ...row!, wrappedKey: wrapDataKey(this.ring, input.memberId, key) });
    });
  }

  /**
   * A reviewer's decision on a pending advanced verification, logged as a staff operation
   * and, when approved, superseding the earlier advanced one and recording the new level;
   * all in one transaction. Undefined when it is not pending (any more).
   */
  async decide(
    id: string,
    decision: { status: 'approved' | 'rejected'; rejectionReason: string | null; expiresAt: Date | null },
    op: Omit<StaffOperation, 'operation' | 'target' | 'before' | 'after'>,
    levelOf: LevelOf,
  ): Promise<Verification | undefined> {
    return this.db.transaction(async (t) => {
      const tx = t as unknown as Db;
      const [row] = await tx
        .update(verifications)
        .set({
          status: decision.status,
          decidedAt: op.at,
          decidedBy: op.actor.id,
          rejectionReason: decision.rejectionReason,
          expiresAt: decision.expiresAt,
        })
        .where(and(eq(verifications.id, id), eq(verifications.status, 'pending'), eq(verifications.level, 'advanced')))
        .returning();
      if (!row) return undefined;
      if (decision.status === 'approved') {
        await tx
          .update(verifications)
          .set({ status: 'superseded' })
          .where(
            and(
              eq(verifications.memberId, row.memberId),
              eq(verifications.level, 'advanced'),
              eq(verifications.status, 'approved'),
              ne(verifications.id, id),
            ),
          );
        await this.recordLevel(tx, row.memberId, levelOf, op.at);
      }
      await recordStaffOperation(tx, {
        ...op,
        operation: decision.status === 'approved' ? 'verification.approve' : 'verification.reject',
        target: { type: 'verification', id },
        before: { memberId: row.memberId, level: 'advanced', status: 'pending' },
        after: { memberId: row.memberId, level: 'advanced', status: decision.status, expiresAt: decision.expiresAt?.toISOString() ?? null },
      });
      const [withKey] = await this.select(tx).where(eq(verifications.id, id));
      return this.open(withKey!);
    });
  }
}
