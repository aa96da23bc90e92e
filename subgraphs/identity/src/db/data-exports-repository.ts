import { randomUUID } from 'node:crypto';
import { and, asc, desc, eq, inArray, isNotNull, lte, sql } from 'drizzle-orm';
import type { Db } from '@membership/db';
import { openValue, sealValue, unwrapDataKey, type KeyRing } from '../domain/encryption.js';
import type { DataExportRow } from '../domain/records.js';
import type { MemberDataScope } from '../domain/scope.js';
import { NoDataKeyError, type DataExportStore } from '../domain/stores.js';
import { unique } from './errors.js';
import { visibleTo } from './scope.js';
import { dataExports, memberKeys } from './schema.js';

/** All SQL about data exports, seen through the request's scope; documents go in sealed with the member's data key. */
export class DataExportsRepository implements DataExportStore {
  constructor(
    private readonly db: Db,
    private readonly ring: KeyRing,
    private readonly scope: MemberDataScope,
  ) {}

  private visible() {
    return visibleTo(this.scope, dataExports.memberId);
  }

  async create(memberId: string, requestedAt: Date): Promise<DataExportRow> {
    const [row] = await unique(() =>
      this.db.insert(dataExports).values({ id: randomUUID(), memberId, status: 'pending', requestedAt }).returning(),
    );
    return row!;
  }

  async pendingFor(memberId: string): Promise<DataExportRow | undefined> {
    const [row] = await this.db
      .select()
      .from(dataExports)
      .where(and(eq(dataExports.memberId, memberId), eq(dataExports.status, 'pending'), this.visible()))
      .limit(1);
    return row;
  }

  /** One export, only if it is this member's: another member's id reads as not there. */
  async byIdForMember(id: string, memberId: string): Promise<DataExportRow | undefined> {
    const [row] = await this.db
      .select()
      .from(dataExports)
      .where(and(eq(dataExports.id, id), eq(dataExports.memberId, memberId), this.visible()))
      .limit(1);
    return row;
  }

  /** Each member's newest `limit` exports, newest first, in ONE statement. */
  async recentFor(memberIds: readonly string[], limit: number): Promise<Map<string, DataExportRow[]>> {
    if (memberIds.length === 0) return new Map();
    const ranked = this.db
      .select({
        id: dataExports.id,
        rank: sql<number>`row_number() over (partition by ${dataExports.memberId} order by ${dataExports.requestedAt} desc, ${dataExports.id} desc)`.as(
          'rank',
        ),
      })
      .from(dataExports)
      .where(and(inArray(dataExports.memberId, [...memberIds]), this.visible()))
      .as('ranked');
    const rows = await this.db
      .select()
      .from(dataExports)
      .innerJoin(ranked, eq(ranked.id, dataExports.id))
      .where(lte(ranked.rank, limit))
      .orderBy(desc(dataExports.requestedAt), desc(dataExports.id));
    const byMember = new Map<string, DataExportRow[]>();
    for (const { data_exports: row } of rows) byMember.set(row.memberId, [...(byMember.get(row.memberId) ?? []), row]);
    return byMember;
  }

  /** Requests waiting for the job, oldest first. */
  async pending(limit: number): Promise<DataExportRow[]> {
    return this.db
      .select()
      .from(dataExports)
      .where(and(eq(dataExports.status, 'pending'), this.visible()))
      .orderBy(asc(dataExports.requestedAt), asc(dataExports.id))
      .limit(limit);
  }

  /**
   * Seals the document with the member's data key and marks the export ready. Throws
   * NoDataKeyError when the member was erased meanwhile. Call it in a transaction.
   */
  async complete(id: string, memberId: string, json: string, readyAt: Date, expiresAt: Date): Promise<void> {
    const [key] = await this.db.select({ wrappedKey: memberKeys.wrappedKey }).from(memberKeys).where(eq(memberKeys.memberId, memberId));
    if (!key) throw new NoDataKeyError(`member ${memberId} has no data key`);
    const dataKey = unwrapDataKey(this.ring, memberId, key.wrappedKey);
    await this.db
      .update(dataExports)
      .set({ status: 'ready', readyAt, expiresAt, documentCiphertext: sealValue(dataKey, memberId, 'data_export', json) })
      .where(and(eq(dataExports.id, id), eq(dataExports.status, 'pending')));
  }

  async fail(id: string, reason: string): Promise<void> {
    await this.db
      .update(dataExports)
      .set({ status: 'failed', failureReason: reason })
      .where(and(eq(dataExports.id, id), eq(dataExports.status, 'pending')));
  }

  /** Drops the documents of every export past its expiry: one statement. */
  async dropExpired(now: Date): Promise<number> {
    const rows = await this.db
      .update(dataExports)
      .set({ documentCiphertext: null })
      .where(and(eq(dataExports.status, 'ready'), lte(dataExports.expiresAt, now), isNotNull(dataExports.documentCiphertext)))
      .returning({ id: dataExports.id });
    return rows.length;
  }

  /** The document in plaintext; null when there is none or the member's key is gone. */
  async document(row: DataExportRow): Promise<string | null> {
    if (!row.documentCiphertext) return null;
    const [key] = await this.db.select({ wrappedKey: memberKeys.wrappedKey }).from(memberKeys).where(eq(memberKeys.memberId, row.memberId));
    if (!key) return null;
    return openValue(unwrapDataKey(this.ring, row.memberId, key.wrappedKey), row.memberId, 'data_export', row.documentCiphertext);
  }
}
