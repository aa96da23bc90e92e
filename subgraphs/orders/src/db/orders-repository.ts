import { randomUUID } from 'node:crypto';
import { and, asc, desc, eq, getTableColumns, inArray, lt, lte, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '@membership/db';
import { parsePayload, recordEvent } from '@membership/events';
import { conflict, notFound, type Cursor } from '@membership/domain';
import type { OrdersScope } from '../domain/access.js';
import { paymentDeadline, returnWindowEnd, type CheckoutOrder, type PointsHoldGrant } from '../domain/checkout.js';
import { orderNotices } from '../domain/notices.js';
import { nextStatus } from '../domain/order-state.js';
import type { InvoiceKind, PaymentMethodCode } from '../domain/order-status.js';
import type { OrderFacts, OrderLineFacts } from '../domain/orders.js';
import { RiskRepository, type RiskTerms } from './risk-repository.js';
import { invoices, memberSanctions, orderLines, orderReviews, orders, outbox, payments, refunds, riskFlags } from './schema.js';

export type OrderRow = typeof orders.$inferSelect;
export type OrderLineRow = typeof orderLines.$inferSelect;
export type PaymentRow = typeof payments.$inferSelect;
export type InvoiceRow = typeof invoices.$inferSelect;
export type ReviewRow = typeof orderReviews.$inferSelect;
type RefundRecord = typeof refunds.$inferSelect;

/** One order with everything orders holds about it: what goes into a member's data export. */
export interface HeldOrder {
  order: OrderRow;
  lines: OrderLineRow[];
  payments: PaymentRow[];
  refunds: RefundRecord[];
  invoice: InvoiceRow | null;
  review: ReviewRow | null;
}

/** The settings payment and cancellation rules read (orders' env.ts). */
export interface OrderTerms {
  paymentDeadlineMinutes: number;
  returnWindowDays: number;
  risk: RiskTerms;
}

/** What a settled payment did: the payment, and the order as it now stands. */
export interface Settled {
  payment: PaymentRow;
  order: OrderRow;
}

/** A payment as checkout starts it, before the provider answers. */
export interface PaymentStart {
  id: string;
  orderId: string;
  method: PaymentMethodCode;
  idempotencyKey: string;
  provider: string;
  deviceFingerprint: string | null;
  recordedBy: string | null;
  providerReference: string | null;
}

/** What the provider (or staff, or points alone) said about a payment. */
export type PaymentResult =
  | { status: 'SUCCEEDED'; reference: string | null; last4: string | null; instrument: string | null }
  | { status: 'FAILED'; reference: string | null; reason: string }
  | { status: 'PENDING'; reference: string | null };

/** A scope as a condition on `orders`; undefined when everything is visible. */
export function visibleOrders(scope: OrdersScope): SQL | undefined {
  if (scope.kind === 'all') return undefined;
  if (scope.kind === 'member') return eq(orders.memberId, scope.memberId);
  return sql`false`;
}

/**
 * The order with `id` the scope may see, locked until the transaction ends; NOT_FOUND
 * otherwise. Every change to an order, its payments and its refunds takes this lock first,
 * so concurrent payments and refunds of one order happen one after the other.
 */
export async function lockOrder(tx: Db, scope: OrdersScope, id: string): Promise<OrderRow> {
  const [row] = await tx
    .select()
    .from(orders)
    .where(and(eq(orders.id, id), visibleOrders(scope)))
    .for('update');
  if (!row) throw notFound('There is no order with this id, or it is not yours.');
  return row;
}

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
    return visibleOrders(this.scope);
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
    const afterCursor = after ? or(lt(orders.placedAt, after.at), and(eq(orders.placedAt, after.at), lt(orders.id, after.id))) : undefined;
    const ranked = this.db
      .select({
        ...getTableColumns(orders),
        rank: sql<number>`row_number() over (partition by ${orders.memberId} order by ${orders.placedAt} desc, ${orders.id} desc)`.as(
          'rank',
        ),
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
   * Every order of one member with its lines, payments, refunds and invoice, oldest
   * first, in five statements: what orders contributes to the member's data export.
   */
  async everythingOf(memberId: string): Promise<HeldOrder[]> {
    const rows = await this.db
      .select()
      .from(orders)
      .where(and(eq(orders.memberId, memberId), this.visible()))
      .orderBy(asc(orders.placedAt), asc(orders.id));
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.id);
    const [lines, paid, asked, invoiced, reviewed] = await Promise.all([
      this.linesOf(ids),
      this.paymentsOf(ids),
      this.db.select().from(refunds).where(inArray(refunds.orderId, ids)).orderBy(asc(refunds.requestedAt)),
      this.invoicesOf(ids),
      this.reviewsOf(ids),
    ]);
    const refundsByOrder = groupBy(asked, (r) => r.orderId);
    return rows.map((order) => ({
      order,
      lines: lines.get(order.id) ?? [],
      payments: paid.get(order.id) ?? [],
      refunds: refundsByOrder.get(order.id) ?? [],
      invoice: invoiced.get(order.id) ?? null,
      review: reviewed.get(order.id) ?? null,
    }));
  }

  /**
   * Unlinks an erased member from everything orders holds, in set-based statements:
   * their orders (and lines) stay for tax with no member id and the time of erasure;
   * the events orders recorded about them leave the outbox. Running it again finds
   * nothing left to change. Call it with a transaction.
   */
  async eraseMember(memberId: string, erasedAt: Date): Promise<{ orders: number }> {
    // The address they shipped to would name them again: it goes; the amounts stay for tax.
    const unlinked = await this.db
      .update(orders)
      .set({ memberId: null, erasedAt, shippingAddress: null })
      .where(eq(orders.memberId, memberId))
      .returning({ id: orders.id });
    // Payments, refunds and invoices stay with the order, unlinked like it, without the
    // member's device and own words.
    await this.db.update(payments).set({ memberId: null, deviceFingerprint: null }).where(eq(payments.memberId, memberId));
    await this.db.update(refunds).set({ memberId: null, note: null, evidence: [] }).where(eq(refunds.memberId, memberId));
    await this.db.update(invoices).set({ memberId: null }).where(eq(invoices.memberId, memberId));
    // A review stays as a rating of the order; who wrote it, and their words, go.
    await this.db.update(orderReviews).set({ memberId: null, comment: null }).where(eq(orderReviews.memberId, memberId));
    // A flag stays for the record of what the checks saw, without anything that names them:
    // its dedupe key held their id (and a device's fingerprint), its reason may name their id.
    await this.db
      .update(riskFlags)
      .set({
        memberId: null,
        dedupeKey: sql`'erased:' || ${riskFlags.id}::text`,
        reason: sql`replace(${riskFlags.reason}, ${memberId}, 'an erased member')`,
      })
      .where(eq(riskFlags.memberId, memberId));
    await this.db.delete(memberSanctions).where(eq(memberSanctions.memberId, memberId));
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
      const [inserted] = await tx
        .insert(orders)
        .values({ ...order, amountDue: order.totalAmount, paidAmount: order.totalAmount, paymentMethod: 'ONLINE' })
        .onConflictDoNothing({ target: orders.id })
        .returning();
      if (!inserted) {
        const [existing] = await tx.select().from(orders).where(eq(orders.id, order.id));
        return { order: existing!, created: false };
      }
      await tx.insert(orderLines).values([...lines]);
      const paidAt = order.paidAt ?? order.placedAt;
      await tx.insert(payments).values({
        id: order.id,
        orderId: order.id,
        memberId: order.memberId,
        method: 'ONLINE',
        status: 'SUCCEEDED',
        amount: order.totalAmount,
        currency: order.currency,
        idempotencyKey: 'seed',
        provider: 'development',
        providerReference: `dev_${order.id}`,
        createdAt: paidAt,
        settledAt: paidAt,
      });
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

  private lockOrder(tx: Db, id: string): Promise<OrderRow> {
    return lockOrder(tx, this.scope, id);
  }

  /** The member's order placed with this idempotency key, if there is one. */
  async byIdempotencyKey(memberId: string, key: string): Promise<OrderRow | null> {
    const [row] = await this.db
      .select()
      .from(orders)
      .where(and(eq(orders.memberId, memberId), eq(orders.idempotencyKey, key), this.visible()));
    return row ?? null;
  }

  /**
   * Stores a placed order and its lines. The id comes from the member's idempotency key,
   * so placing it again (a replay, or two tabs at once) changes nothing and returns the
   * stored order with `created: false`.
   */
  async insertPlacedOrder(
    order: CheckoutOrder,
    hold: PointsHoldGrant | null,
    amountDue: number,
    placedAt: Date,
    terms: OrderTerms,
  ): Promise<{ order: OrderRow; created: boolean }> {
    return this.db.transaction(async (tx) => {
      const [inserted] = await tx
        .insert(orders)
        .values({
          id: order.id,
          memberId: order.memberId,
          status: 'PLACED',
          totalAmount: order.subtotal,
          currency: order.currency,
          discountAmount: order.discountAmount,
          discounts: order.discounts,
          pointsUsed: hold?.points ?? 0,
          pointsDiscountAmount: hold?.discountAmount ?? 0,
          pointsHoldId: hold?.id ?? null,
          amountDue,
          shippingAddress: order.shippingAddress,
          shareCode: order.shareCode,
          idempotencyKey: order.idempotencyKey,
          placedAt,
          paymentDeadlineAt: paymentDeadline(placedAt, terms.paymentDeadlineMinutes),
        })
        .onConflictDoNothing()
        .returning();
      if (!inserted) {
        const [existing] = await tx.select().from(orders).where(eq(orders.id, order.id));
        if (!existing) throw conflict('An order with this idempotency key is being placed; try again.');
        return { order: existing, created: false };
      }
      await tx.insert(orderLines).values(order.lines);
      return { order: inserted, created: true };
    });
  }

  /**
   * Cancels an unpaid order (the member asked): the status moves by the state machine, and
   * OrderCancelled (points releases the hold) and the member's notice commit with it.
   * Cancelling a cancelled order again returns it unchanged.
   */
  async cancelUnpaid(orderId: string, at: Date): Promise<OrderRow> {
    return this.db.transaction(async (tx) => {
      const order = await this.lockOrder(tx as unknown as Db, orderId);
      if (order.status === 'CANCELLED') return order;
      const status = nextStatus(order.status, 'cancel');
      await tx
        .update(payments)
        .set({ status: 'FAILED', failureReason: 'order cancelled', settledAt: at })
        .where(and(eq(payments.orderId, order.id), eq(payments.status, 'PENDING')));
      const [updated] = await tx.update(orders).set({ status, cancelledAt: at }).where(eq(orders.id, order.id)).returning();
      await recordEvent(
        tx as unknown as Db,
        outbox,
        'OrderCancelled',
        { orderId: order.id, memberId: order.memberId!, pointsHoldId: order.pointsHoldId, cancelledAt: at.toISOString() },
        { now: at },
      );
      await recordEvent(
        tx as unknown as Db,
        outbox,
        'MemberNoticeRequested',
        orderNotices.orderCancelled({ id: order.id, memberId: order.memberId! }, 'member'),
        { now: at },
      );
      return updated!;
    });
  }

  /**
   * Cancels every order still unpaid at its payment deadline, in set-based statements:
   * one update, and one insert of their OrderCancelled events and notices. A payment still
   * waiting for its provider fails with the order. Returns how many it cancelled.
   */
  async cancelOverdue(now: Date, batchSize = 1000): Promise<number> {
    return this.db.transaction(async (tx) => {
      const due = tx
        .select({ id: orders.id })
        .from(orders)
        .where(and(eq(orders.status, 'PLACED'), lte(orders.paymentDeadlineAt, now)))
        .limit(batchSize)
        .for('update', { skipLocked: true });
      const cancelled = await tx
        .update(orders)
        .set({ status: 'CANCELLED', cancelledAt: now })
        .where(inArray(orders.id, due))
        .returning({ id: orders.id, memberId: orders.memberId, pointsHoldId: orders.pointsHoldId });
      if (cancelled.length === 0) return 0;
      const ids = cancelled.map((o) => o.id);
      await tx
        .update(payments)
        .set({ status: 'FAILED', failureReason: 'payment deadline passed', settledAt: now })
        .where(and(inArray(payments.orderId, ids), eq(payments.status, 'PENDING')));
      const events = cancelled
        .filter((o) => o.memberId)
        .flatMap((o) => [
          {
            type: 'OrderCancelled' as const,
            payload: parsePayload('OrderCancelled', {
              orderId: o.id,
              memberId: o.memberId!,
              pointsHoldId: o.pointsHoldId,
              cancelledAt: now.toISOString(),
            }),
          },
          {
            type: 'MemberNoticeRequested' as const,
            payload: parsePayload('MemberNoticeRequested', orderNotices.orderCancelled({ id: o.id, memberId: o.memberId! }, 'deadline')),
          },
        ]);
      if (events.length > 0)
        await tx.insert(outbox).values(events.map((e) => ({ id: randomUUID(), type: e.type, payload: e.payload, occurredAt: now })));
      return cancelled.length;
    });
  }

  /**
   * Completes delivered orders whose return window has ended: one set-based update of at most
   * `batchSize` orders (locked rows skipped, so a staff action or a late refund request on one
   * of them is never overtaken). Returns how many it completed.
   */
  async completeDue(now: Date, batchSize = 1000): Promise<number> {
    const due = this.db
      .select({ id: orders.id })
      .from(orders)
      .where(and(eq(orders.status, 'DELIVERED'), lte(orders.returnWindowEndsAt, now)))
      .limit(batchSize)
      .for('update', { skipLocked: true });
    const completed = await this.db.update(orders).set({ status: 'COMPLETED' }).where(inArray(orders.id, due)).returning({ id: orders.id });
    return completed.length;
  }

  /**
   * Starts a payment on a placed order: one per idempotency key (a replay returns the
   * first), and none while another payment of the order still waits for its provider, so
   * a member cannot be charged twice for one order.
   */
  async startPayment(start: PaymentStart, at: Date): Promise<{ payment: PaymentRow; order: OrderRow; created: boolean }> {
    return this.db.transaction(async (tx) => {
      const order = await this.lockOrder(tx as unknown as Db, start.orderId);
      const [existing] = await tx
        .select()
        .from(payments)
        .where(and(eq(payments.orderId, order.id), eq(payments.idempotencyKey, start.idempotencyKey)));
      if (existing) return { payment: existing, order, created: false };
      nextStatus(order.status, 'pay');
      const [pending] = await tx
        .select({ id: payments.id })
        .from(payments)
        .where(and(eq(payments.orderId, order.id), eq(payments.status, 'PENDING')));
      if (pending)
        throw conflict(
          'A payment for this order is still waiting for the payment provider; wait for its confirmation before paying again.',
        );
      if (start.method === 'POINTS' && order.amountDue > 0) {
        throw conflict(`Points cover only part of this order; ${order.amountDue} ${order.currency} is left to pay online.`, 'method');
      }
      if (start.method !== 'POINTS' && order.amountDue === 0)
        throw conflict('Points cover all of this order; pay it with method POINTS.', 'method');
      const [payment] = await tx
        .insert(payments)
        .values({
          ...start,
          memberId: order.memberId,
          status: 'PENDING',
          amount: order.amountDue,
          currency: order.currency,
          createdAt: at,
        })
        .returning();
      return { payment: payment!, order, created: true };
    });
  }

  /**
   * Records what came of a payment. On success the order is PAID, and OrderPaid and the
   * member's payment confirmation commit in this same transaction. A payment already
   * settled is returned as it is: callbacks and replays change nothing.
   */
  async settlePayment(paymentId: string, result: PaymentResult, at: Date, terms: OrderTerms): Promise<Settled> {
    return this.db.transaction(async (tx) => {
      const [found] = await tx.select({ orderId: payments.orderId }).from(payments).where(eq(payments.id, paymentId));
      if (!found) throw notFound('There is no payment with this id.');
      const order = await this.lockOrder(tx as unknown as Db, found.orderId);
      const [payment] = await tx.select().from(payments).where(eq(payments.id, paymentId)).for('update');
      if (payment!.status !== 'PENDING' || result.status === 'PENDING') {
        if (result.status === 'PENDING' && result.reference && !payment!.providerReference) {
          const [updated] = await tx
            .update(payments)
            .set({ providerReference: result.reference })
            .where(eq(payments.id, paymentId))
            .returning();
          return { payment: updated!, order };
        }
        return { payment: payment!, order };
      }
      if (result.status === 'FAILED') {
        const [failed] = await tx
          .update(payments)
          .set({
            status: 'FAILED',
            failureReason: result.reason,
            providerReference: result.reference ?? payment!.providerReference,
            settledAt: at,
          })
          .where(eq(payments.id, paymentId))
          .returning();
        return { payment: failed!, order };
      }
      const status = nextStatus(order.status, 'pay');
      const [paid] = await tx
        .update(payments)
        .set({
          status: 'SUCCEEDED',
          providerReference: result.reference ?? payment!.providerReference,
          last4: result.last4,
          instrumentFingerprint: result.instrument,
          settledAt: at,
        })
        .where(eq(payments.id, paymentId))
        .returning();
      const windowEnds = returnWindowEnd(at, terms.returnWindowDays);
      const [updated] = await tx
        .update(orders)
        .set({ status, paidAt: at, paidAmount: payment!.amount, paymentMethod: payment!.method, returnWindowEndsAt: windowEnds })
        .where(eq(orders.id, order.id))
        .returning();
      await recordEvent(
        tx as unknown as Db,
        outbox,
        'OrderPaid',
        {
          orderId: order.id,
          memberId: order.memberId!,
          amount: payment!.amount,
          currency: order.currency,
          paidAt: at.toISOString(),
          method: payment!.method === 'ONLINE' ? 'online' : payment!.method === 'OFFLINE' ? 'offline' : 'points',
          pointsHoldId: order.pointsHoldId,
          pointsUsed: order.pointsUsed,
          returnWindowEndsAt: windowEnds.toISOString(),
          shareCode: order.shareCode,
        },
        { now: at },
      );
      await recordEvent(
        tx as unknown as Db,
        outbox,
        'MemberNoticeRequested',
        orderNotices.paymentConfirmed({ id: order.id, memberId: order.memberId!, amount: payment!.amount, currency: order.currency }),
        { now: at },
      );
      await new RiskRepository(tx as unknown as Db).afterPayment(paid!, at, terms.risk);
      return { payment: paid!, order: updated! };
    });
  }

  /** Moves an order to the status `to` gives for its current one (the state machine), under the order's lock. */
  async advance(orderId: string, to: (status: OrderRow['status']) => OrderRow['status']): Promise<OrderRow> {
    return this.db.transaction(async (tx) => {
      const order = await this.lockOrder(tx as unknown as Db, orderId);
      const [updated] = await tx
        .update(orders)
        .set({ status: to(order.status) })
        .where(eq(orders.id, order.id))
        .returning();
      return updated!;
    });
  }

  /** The payment with this id as this scope may see it (its order's scope). */
  async paymentById(id: string): Promise<PaymentRow | null> {
    const [row] = await this.db
      .select(getTableColumns(payments))
      .from(payments)
      .innerJoin(orders, eq(orders.id, payments.orderId))
      .where(and(eq(payments.id, id), this.visible()));
    return row ?? null;
  }

  /** The payments of these orders, oldest first, in one statement. */
  async paymentsOf(orderIds: readonly string[]): Promise<Map<string, PaymentRow[]>> {
    const rows = await this.db
      .select(getTableColumns(payments))
      .from(payments)
      .innerJoin(orders, eq(orders.id, payments.orderId))
      .where(and(inArray(payments.orderId, [...orderIds]), this.visible()))
      .orderBy(asc(payments.orderId), asc(payments.createdAt), asc(payments.id));
    return groupBy(rows, (r) => r.orderId);
  }

  /** The invoices of these orders, in one statement. */
  async invoicesOf(orderIds: readonly string[]): Promise<Map<string, InvoiceRow>> {
    const rows = await this.db
      .select(getTableColumns(invoices))
      .from(invoices)
      .innerJoin(orders, eq(orders.id, invoices.orderId))
      .where(and(inArray(invoices.orderId, [...orderIds]), this.visible()));
    return new Map(rows.map((r) => [r.orderId, r]));
  }

  /**
   * Issues the order's invoice, once: asking again returns the invoice already issued.
   * Only a paid order gets one, for the money paid less what was refunded before it.
   */
  async issueInvoice(
    orderId: string,
    to: { kind: InvoiceKind; companyName: string | null; taxId: string | null },
    at: Date,
  ): Promise<InvoiceRow> {
    return this.db.transaction(async (tx) => {
      const order = await this.lockOrder(tx as unknown as Db, orderId);
      const [existing] = await tx.select().from(invoices).where(eq(invoices.orderId, order.id));
      if (existing) return existing;
      if (!order.paidAt || order.status === 'CANCELLED') throw conflict('An invoice is issued for a paid order; this one is not paid.');
      const [invoice] = await tx
        .insert(invoices)
        .values({
          id: randomUUID(),
          orderId: order.id,
          memberId: order.memberId,
          number: `INV-${at.getUTCFullYear()}-${order.id.slice(0, 8).toUpperCase()}`,
          kind: to.kind,
          companyName: to.companyName,
          taxId: to.taxId,
          amount: order.paidAmount - order.refundedAmount,
          currency: order.currency,
          issuedAt: at,
        })
        .returning();
      return invoice!;
    });
  }

  /** The reviews of these orders the scope may see, in one statement. */
  async reviewsOf(orderIds: readonly string[]): Promise<Map<string, ReviewRow>> {
    const rows = await this.db
      .select(getTableColumns(orderReviews))
      .from(orderReviews)
      .innerJoin(orders, eq(orders.id, orderReviews.orderId))
      .where(and(inArray(orderReviews.orderId, [...orderIds]), this.visible()));
    return new Map(rows.map((r) => [r.orderId, r]));
  }

  /**
   * The member's review of their own paid order, once: the same review again returns it, a
   * different one is a CONFLICT. MemberActivityRecorded (kind review, the order as source)
   * commits with it: tiers counts it, points rewards the review task.
   */
  async reviewOrder(orderId: string, review: { rating: number; comment: string | null }, at: Date): Promise<ReviewRow> {
    return this.db.transaction(async (tx) => {
      const order = await this.lockOrder(tx as unknown as Db, orderId);
      const [existing] = await tx.select().from(orderReviews).where(eq(orderReviews.orderId, order.id));
      if (existing) {
        if (existing.rating === review.rating && existing.comment === review.comment) return existing;
        throw conflict('You already reviewed this order; an order is reviewed once.', 'orderId');
      }
      if (!REVIEWABLE.has(order.status))
        throw conflict(`Only a paid order can be reviewed; this one is ${order.status.toLowerCase().replace('_', ' ')}.`, 'orderId');
      const [row] = await tx
        .insert(orderReviews)
        .values({ orderId: order.id, memberId: order.memberId, rating: review.rating, comment: review.comment, reviewedAt: at })
        .returning();
      await recordEvent(
        tx as unknown as Db,
        outbox,
        'MemberActivityRecorded',
        { memberId: order.memberId!, kind: 'review', occurredAt: at.toISOString(), sourceId: order.id },
        { now: at },
      );
      return row!;
    });
  }
}

/** Orders a member may review: paid, on their way or done; not placed, cancelled, refunded or waiting on a refund. */
const REVIEWABLE = new Set<OrderRow['status']>(['PAID', 'SHIPPED', 'DELIVERED', 'COMPLETED', 'PARTIALLY_REFUNDED']);

/** Rows grouped by a key, each group in the order the rows came. */
export function groupBy<T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const k = key(row);
    const group = groups.get(k);
    if (group) group.push(row);
    else groups.set(k, [row]);
  }
  return groups;
}
