import { and, asc, desc, eq, getTableColumns, inArray, lt, lte, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '@membership/db';
import { recordEvent } from '@membership/events';
import type { Cursor } from '@membership/subgraph';
import type { OrdersScope } from '../domain/access.js';
import type { OrderFacts, OrderLineFacts } from '../domain/orders.js';
import { orderLines, orders, outbox } from './schema.js';

export type OrderRow = typeof orders.$inferSelect;
export type OrderLineRow = typeof orderLines.$inferSelect;

/**
 * All SQL about orders, seen through the scope of the request: a member's repository
 * never returns another member's order, whatever id it is asked for.
 */
export class OrdersRepository {
  constructor(
    private readonly db: Db,
    private readonly scope: OrdersScope,
  ) {}

  /** The scope as a condition on `orders`; undefined when everything is visible. */
  private visible(): SQL | undefined {
    if (this.scope.kind === 'all') return undefined;
    if (this.scope.kind === 'member') return eq(orders.memberId, this.scope.memberId);
    return sql`false`;
  }

  async byIds(ids: readonly string[]): Promise<Map<string, OrderRow>> {
    const rows = await this.db
      .select()
      .from(orders)
      .where(and(inArray(orders.id, [...ids]), this.visible()));
    return new Map(rows.map((r) => [r.id, r]));
  }

  /** The lines of these orders, in one statement, each order's in position order. */
  async linesOf(orderIds: readonly string[]): Promise<Map<string, OrderLineRow[]>> {
    const rows = await this.db
      .select(getTableColumns(orderLines))
      .from(orderLines)
      .innerJoin(orders, eq(orders.id, orderLines.orderId))
      .where(and(inArray(orderLines.orderId, [...orderIds]), this.visible()))
      .orderBy(asc(orderLines.orderId), asc(orderLines.position));
    const byOrder = new Map<string, OrderLineRow[]>();
    for (const row of rows) byOrder.set(row.orderId, [...(byOrder.get(row.orderId) ?? []), row]);
    return byOrder;
  }

  /**
   * One page of orders for each of these members, newest first, in ONE statement:
   * rows are numbered per member after the cursor and at most `first + 1` kept for
   * each, so the caller can tell whether another page follows.
   */
  async pagesOf(memberIds: readonly string[], first: number, after?: Cursor): Promise<Map<string, OrderRow[]>> {
    const afterCursor = after
      ? or(lt(orders.placedAt, after.at), and(eq(orders.placedAt, after.at), lt(orders.id, after.id)))
      : undefined;
    const ranked = this.db
      .select({
        ...getTableColumns(orders),
        rank: sql<number>`row_number() over (partition by ${orders.memberId} order by ${orders.placedAt} desc, ${orders.id} desc)`.as('rank'),
      })
      .from(orders)
      .where(and(inArray(orders.memberId, [...memberIds]), afterCursor, this.visible()))
      .as('ranked');
    const { rank, ...columns } = ranked._.selectedFields;
    const rows = (await this.db
      .select(columns)
      .from(ranked)
      .where(lte(rank, first + 1))
      .orderBy(asc(ranked.memberId), desc(ranked.placedAt), desc(ranked.id))) as OrderRow[];
    const byMember = new Map<string, OrderRow[]>();
    for (const row of rows) {
      if (row.memberId) byMember.set(row.memberId, [...(byMember.get(row.memberId) ?? []), row]);
    }
    return byMember;
  }

  /**
   * Every order of one member with its lines, oldest first, in two statements: what
   * orders contributes to the member's data export.
   */
  async everythingOf(memberId: string): Promise<{ order: OrderRow; lines: OrderLineRow[] }[]> {
    const rows = await this.db
      .select()
      .from(orders)
      .where(and(eq(orders.memberId, memberId), this.visible()))
      .orderBy(asc(orders.placedAt), asc(orders.id));
    if (rows.length === 0) return [];
    const lines = await this.linesOf(rows.map((r) => r.id));
    return rows.map((order) => ({ order, lines: lines.get(order.id) ?? [] }));
  }

  /**
   * Unlinks an erased member from everything orders holds, in set-based statements:
   * their orders (and lines) stay for tax with no member id and the time of erasure;
   * the events orders recorded about them leave the outbox. Running it again finds
   * nothing left to change. Call it with a transaction.
   */
  async eraseMember(memberId: string, erasedAt: Date): Promise<{ orders: number }> {
    const unlinked = await this.db
      .update(orders)
      .set({ memberId: null, erasedAt })
      .where(eq(orders.memberId, memberId))
      .returning({ id: orders.id });
    await this.db.delete(outbox).where(sql`${outbox.payload} ->> 'memberId' = ${memberId}`);
    return { orders: unlinked.length };
  }

  /**
   * Stores a paid order, its lines and its OrderPaid event in one transaction. The
   * order id is the idempotency key: placing the same order again changes nothing
   * and returns the stored one with `created: false`.
   */
  async placePaidOrder(order: OrderFacts, lines: readonly OrderLineFacts[]): Promise<{ order: OrderRow; created: boolean }> {
    return this.db.transaction(async (tx) => {
      const [inserted] = await tx.insert(orders).values(order).onConflictDoNothing({ target: orders.id }).returning();
      if (!inserted) {
        const [existing] = await tx.select().from(orders).where(eq(orders.id, order.id));
        return { order: existing!, created: false };
      }
      await tx.insert(orderLines).values([...lines]);
      await recordEvent(
        tx as unknown as Db,
        outbox,
        'OrderPaid',
        {
          orderId: order.id,
          memberId: order.memberId,
          amount: order.totalAmount,
          currency: order.currency,
          paidAt: (order.paidAt ?? order.placedAt).toISOString(),
        },
        { now: order.paidAt ?? order.placedAt },
      );
      return { order: inserted, created: true };
    });
  }
}
