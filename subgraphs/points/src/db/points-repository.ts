import { and, asc, desc, eq, inArray, lt, lte, or, sql } from 'drizzle-orm';
import type { Db } from '@membership/db';
import type { Cursor } from '@membership/subgraph';
import type { LedgerStore } from '../domain/ledger.js';
import { accounts, ledger, outbox } from './schema.js';

export type AccountRow = typeof accounts.$inferSelect;
export type LedgerRow = typeof ledger.$inferSelect;
export type NewLedgerRow = typeof ledger.$inferInsert;

/** All SQL about points accounts and their ledger. */
export class PointsRepository implements LedgerStore {
  constructor(private readonly db: Db) {}

  /** Runs `work` in one transaction, with a repository bound to it. */
  transaction<T>(work: (repository: PointsRepository) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) => work(new PointsRepository(tx as unknown as Db)));
  }

  /** Opens the member's account with a zero balance; opening it again changes nothing. */
  async openAccount(memberId: string, openedAt: Date): Promise<void> {
    await this.db.insert(accounts).values({ memberId, balance: 0, openedAt }).onConflictDoNothing();
  }

  /** The account, locked until the transaction ends so concurrent changes to it queue up. */
  async lockAccount(memberId: string): Promise<AccountRow | undefined> {
    const [row] = await this.db.select().from(accounts).where(eq(accounts.memberId, memberId)).for('update');
    return row;
  }

  async setBalance(memberId: string, balance: number): Promise<void> {
    await this.db.update(accounts).set({ balance }).where(eq(accounts.memberId, memberId));
  }

  async entryByKey(idempotencyKey: string): Promise<LedgerRow | undefined> {
    const [row] = await this.db.select().from(ledger).where(eq(ledger.idempotencyKey, idempotencyKey)).limit(1);
    return row;
  }

  async insertEntry(entry: NewLedgerRow): Promise<LedgerRow> {
    const [row] = await this.db.insert(ledger).values(entry).returning();
    return row!;
  }

  /** Balances of the members that have an account, in one query. */
  async balances(memberIds: readonly string[]): Promise<Map<string, number>> {
    const rows = await this.db
      .select({ memberId: accounts.memberId, balance: accounts.balance })
      .from(accounts)
      .where(inArray(accounts.memberId, [...memberIds]));
    return new Map(rows.map((r) => [r.memberId, r.balance]));
  }

  /**
   * The same page of history for several members in ONE statement: entries newest
   * first, ranked per member, `first + 1` per member so the caller can tell whether
   * another page follows.
   */
  async histories(memberIds: readonly string[], first: number, after?: Cursor): Promise<Map<string, LedgerRow[]>> {
    const before = after
      ? or(lt(ledger.createdAt, after.at), and(eq(ledger.createdAt, after.at), lt(ledger.id, after.id)))
      : undefined;
    const ranked = this.db
      .select({
        id: ledger.id,
        memberId: ledger.memberId,
        delta: ledger.delta,
        reason: ledger.reason,
        idempotencyKey: ledger.idempotencyKey,
        createdAt: ledger.createdAt,
        rank: sql<number>`row_number() over (partition by ${ledger.memberId} order by ${ledger.createdAt} desc, ${ledger.id} desc)`.as('rank'),
      })
      .from(ledger)
      .where(and(inArray(ledger.memberId, [...memberIds]), before))
      .as('ranked');
    const rows = await this.db
      .select({
        id: ranked.id,
        memberId: ranked.memberId,
        delta: ranked.delta,
        reason: ranked.reason,
        idempotencyKey: ranked.idempotencyKey,
        createdAt: ranked.createdAt,
      })
      .from(ranked)
      .where(lte(ranked.rank, first + 1))
      .orderBy(asc(ranked.memberId), desc(ranked.createdAt), desc(ranked.id));
    const byMember = new Map<string, LedgerRow[]>();
    for (const row of rows) byMember.set(row.memberId, [...(byMember.get(row.memberId) ?? []), row]);
    return byMember;
  }

  /**
   * The member's account and whole ledger, oldest entry first, in two statements: what
   * points contributes to the member's data export.
   */
  async everythingOf(memberId: string): Promise<{ account: AccountRow | undefined; entries: LedgerRow[] }> {
    const [account] = await this.db.select().from(accounts).where(eq(accounts.memberId, memberId));
    const entries = await this.db.select().from(ledger).where(eq(ledger.memberId, memberId)).orderBy(asc(ledger.createdAt), asc(ledger.id));
    return { account, entries };
  }

  /**
   * Deletes everything points holds about an erased member, in set-based statements:
   * the ledger first (it restricts deleting the account), then the account, then any
   * event about them still in the outbox. Running it again finds nothing to delete.
   * Call it with a transaction.
   */
  async eraseMember(memberId: string): Promise<{ entries: number }> {
    const entries = await this.db.delete(ledger).where(eq(ledger.memberId, memberId)).returning({ id: ledger.id });
    await this.db.delete(accounts).where(eq(accounts.memberId, memberId));
    await this.db.delete(outbox).where(sql`${outbox.payload} ->> 'memberId' = ${memberId}`);
    return { entries: entries.length };
  }
}
