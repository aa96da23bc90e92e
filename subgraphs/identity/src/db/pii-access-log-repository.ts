import { and, asc, desc, eq, getTableColumns, inArray, lt, lte, or, sql } from 'drizzle-orm';
import type { Db } from '@membership/db';
import type { Cursor } from '@membership/subgraph';
import type { PiiAccessRow } from '../domain/records.js';
import type { MemberDataScope } from '../domain/scope.js';
import type { PiiAccessStore } from '../domain/stores.js';
import { visibleTo } from './scope.js';
import { piiAccessLog } from './schema.js';

/** All SQL about the PII access log; a member's accesses are read through the request's scope. */
export class PiiAccessLogRepository implements PiiAccessStore {
  constructor(
    private readonly db: Db,
    private readonly scope: MemberDataScope,
  ) {}

  /**
   * Writes every entry in ONE multi-row insert: a single statement, so either all
   * entries are stored or none is. Returns how many were written.
   */
  async record(entries: readonly PiiAccessRow[]): Promise<number> {
    if (entries.length === 0) return 0;
    const rows = await this.db
      .insert(piiAccessLog)
      .values([...entries])
      .returning({ id: piiAccessLog.id });
    return rows.length;
  }

  /** One member's accesses, newest first; `first + 1` rows so the caller can tell whether another page follows. */
  async pageForMember(memberId: string, first: number, after?: Cursor): Promise<PiiAccessRow[]> {
    return this.db
      .select()
      .from(piiAccessLog)
      .where(and(eq(piiAccessLog.ownerMemberId, memberId), afterCursor(after), visibleTo(this.scope, piiAccessLog.ownerMemberId)))
      .orderBy(desc(piiAccessLog.accessedAt), desc(piiAccessLog.id))
      .limit(first + 1);
  }

  /**
   * One page of accesses for each of these members, newest first, in ONE statement:
   * rows are numbered per member after the cursor and at most `first + 1` kept for each.
   */
  async pagesForMembers(memberIds: readonly string[], first: number, after?: Cursor): Promise<Map<string, PiiAccessRow[]>> {
    const ranked = this.db
      .select({
        ...getTableColumns(piiAccessLog),
        rank: sql<number>`row_number() over (partition by ${piiAccessLog.ownerMemberId} order by ${piiAccessLog.accessedAt} desc, ${piiAccessLog.id} desc)`.as(
          'rank',
        ),
      })
      .from(piiAccessLog)
      .where(
        and(inArray(piiAccessLog.ownerMemberId, [...memberIds]), afterCursor(after), visibleTo(this.scope, piiAccessLog.ownerMemberId)),
      )
      .as('ranked');
    const { rank, ...columns } = ranked._.selectedFields;
    const rows = (await this.db
      .select(columns)
      .from(ranked)
      .where(lte(rank, first + 1))
      .orderBy(asc(ranked.ownerMemberId), desc(ranked.accessedAt), desc(ranked.id))) as PiiAccessRow[];
    const byMember = new Map<string, PiiAccessRow[]>();
    for (const row of rows) byMember.set(row.ownerMemberId, [...(byMember.get(row.ownerMemberId) ?? []), row]);
    return byMember;
  }
}

function afterCursor(after?: Cursor) {
  return after
    ? or(lt(piiAccessLog.accessedAt, after.at), and(eq(piiAccessLog.accessedAt, after.at), lt(piiAccessLog.id, after.id)))
    : undefined;
}
