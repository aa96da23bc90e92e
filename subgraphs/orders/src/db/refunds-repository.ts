import { randomUUID } from 'node:crypto';
import { and, asc, eq, getTableColumns, gt, inArray, isNull, ne, or, sql } from 'drizzle-orm';
import type { Db } from '@membership/db';
import { recordEvent, type EventCatalog } from '@membership/events';
import { conflict, notFound } from '@membership/domain';
import type { OrdersScope } from '../domain/access.js';
import { orderNotices } from '../domain/notices.js';
import { nextStatus, resumeStatusFor } from '../domain/order-state.js';
import {
  checkWithinPaid,
  committedAmount,
  pointsToRestore,
  requestedAmount,
  withinReturnWindow,
  unitsAsked,
  type RefundDraft,
  type RefundableOrder,
} from '../domain/refunds.js';
import { groupBy, lockOrder, visibleOrders, type OrderRow, type PaymentRow } from './orders-repository.js';
import { RiskRepository, type RiskTerms } from './risk-repository.js';
import { memberSanctions, orderLines, orders, outbox, payments, refunds } from './schema.js';

export type RefundRow = typeof refunds.$inferSelect;

/** A refund approved and reserved, ready to be paid back by the original route. */
export interface ReservedRefund {
  refund: RefundRow;
  order: OrderRow;
  /** The payment the order was paid with: the route the money goes back by. */
  payment: PaymentRow | null;
  /** False when the refund was already approved or paid back (a replay): nothing to pay again. */
  reserved: boolean;
}

const asRefundable = (order: OrderRow): RefundableOrder => ({
  id: order.id,
  currency: order.currency,
  subtotal: order.totalAmount,
  paidAmount: order.paidAmount,
  pointsUsed: order.pointsUsed,
  paidAt: order.paidAt,
  returnWindowEndsAt: order.returnWindowEndsAt,
});

const OPEN = ['REQUESTED', 'APPROVED'] as const;

/**
 * All SQL about refund requests and the standing projection, through the request's scope.
 * Every change locks the order first, so concurrent requests and approvals of one order
 * are checked one after the other against what was paid.
 */
export class RefundsRepository {
  constructor(
    private readonly db: Db,
    private readonly scope: OrdersScope,
  ) {}

  private async refundsOn(tx: Db, orderId: string): Promise<RefundRow[]> {
    return tx.select().from(refunds).where(eq(refunds.orderId, orderId));
  }

  /**
   * Records a member's refund request: within the return window, for no more than is left
   * of the payment (open requests included), moving the order to REFUND_REQUESTED, with
   * the member's notice and any risk flags it raises in the same transaction. The same
   * idempotency key on the same order returns the first request.
   */
  async request(
    orderId: string,
    draft: RefundDraft,
    key: string,
    now: Date,
    risk: RiskTerms,
  ): Promise<{ refund: RefundRow; created: boolean }> {
    return this.db.transaction(async (t) => {
      const tx = t as unknown as Db;
      const order = await lockOrder(tx, this.scope, orderId);
      const on = await this.refundsOn(tx, order.id);
      const replay = on.find((r) => r.idempotencyKey === key);
      if (replay) return { refund: replay, created: false };
      const status = nextStatus(order.status, 'requestRefund');
      if (!withinReturnWindow(order, now)) {
        throw conflict(
          order.returnWindowEndsAt
            ? `The return window of this order ended on ${order.returnWindowEndsAt.toISOString().slice(0, 10)}; refunds can no longer be requested.`
            : 'This order has no return window, so refunds cannot be requested for it.',
        );
      }
      const lines = await tx.select().from(orderLines).where(eq(orderLines.orderId, order.id));
      const refundable = asRefundable(order);
      const amount = requestedAmount(refundable, lines, draft.lines, committedAmount(on), unitsAsked(on));
      checkWithinPaid(refundable, on, amount);
      const [refund] = await tx
        .insert(refunds)
        .values({
          id: randomUUID(),
          orderId: order.id,
          memberId: order.memberId,
          status: 'REQUESTED',
          reason: draft.reason,
          note: draft.note,
          evidence: [...draft.evidence],
          lines: [...draft.lines],
          amount,
          idempotencyKey: key,
          requestedAt: now,
        })
        .returning();
      await tx
        .update(orders)
        .set({ status, resumeStatus: resumeStatusFor(order.status, order.resumeStatus) })
        .where(eq(orders.id, order.id));
      if (order.memberId)
        await recordEvent(
          tx,
          outbox,
          'MemberNoticeRequested',
          orderNotices.refundRequested({ ...refund!, memberId: order.memberId }, order.currency),
          { now },
        );
      await new RiskRepository(tx).afterRefundRequest(refund!, order, now, risk);
      return { refund: refund!, created: true };
    });
  }

  /**
   * Approves a request (all it asked, or less) and reserves the money: the order is locked,
   * and the amount checked against what is left of the payment after every other refund.
   * A request already approved or paid back is returned with `reserved: false`.
   */
  async approve(
    refundId: string,
    approved: (requested: number) => number,
    decidedBy: string,
    reason: string | null,
    now: Date,
  ): Promise<ReservedRefund> {
    return this.db.transaction(async (t) => {
      const tx = t as unknown as Db;
      const order = await lockOrder(tx, this.scope, await this.orderOf(tx, refundId));
      const on = await this.refundsOn(tx, order.id);
      const refund = on.find((r) => r.id === refundId)!;
      const payment = await this.paidWith(tx, order.id);
      if (refund.status === 'APPROVED' || refund.status === 'COMPLETED') return { refund, order, payment, reserved: false };
      if (refund.status === 'REJECTED') throw conflict('This refund request was rejected; it cannot be approved now.');
      const amount = approved(refund.amount);
      checkWithinPaid(
        asRefundable(order),
        on.filter((r) => r.id !== refundId),
        amount,
      );
      const [updated] = await tx
        .update(refunds)
        .set({ status: 'APPROVED', approvedAmount: amount, decidedBy, decisionReason: reason, decidedAt: now })
        .where(eq(refunds.id, refundId))
        .returning();
      await recordEvent(
        tx,
        outbox,
        'MemberNoticeRequested',
        orderNotices.refundApproved(
          { id: refundId, orderId: order.id, memberId: order.memberId!, approved: amount, requested: refund.amount },
          order.currency,
        ),
        { now },
      );
      return { refund: updated!, order, payment, reserved: true };
    });
  }

  /**
   * The money went back: the refund is COMPLETED, the order's refunded money and restored
   * points grow (never past what was paid and used: the table checks it too), its status
   * moves, and RefundCompleted and the member's notice commit with it. Completing twice
   * changes nothing.
   */
  async complete(refundId: string, providerReference: string | null, now: Date): Promise<RefundRow> {
    return this.db.transaction(async (t) => {
      const tx = t as unknown as Db;
      const order = await lockOrder(tx, this.scope, await this.orderOf(tx, refundId));
      const on = await this.refundsOn(tx, order.id);
      const refund = on.find((r) => r.id === refundId)!;
      if (refund.status === 'COMPLETED') return refund;
      if (refund.status !== 'APPROVED') throw conflict('Only an approved refund can be paid back.');
      const amount = refund.approvedAmount ?? 0;
      const restored = pointsToRestore(order, order.refundedAmount, amount, order.pointsRestored);
      const refundedAfter = order.refundedAmount + amount;
      const full = order.paidAmount === 0 || refundedAfter >= order.paidAmount;
      const othersOpen = on.some((r) => r.id !== refundId && (OPEN as readonly string[]).includes(r.status));
      const status = full ? nextStatus(order.status, 'refundAll') : othersOpen ? order.status : nextStatus(order.status, 'refundPart');
      await tx
        .update(orders)
        .set({
          status,
          refundedAmount: refundedAfter,
          pointsRestored: order.pointsRestored + restored,
          resumeStatus: othersOpen && !full ? 'PARTIALLY_REFUNDED' : null,
        })
        .where(eq(orders.id, order.id));
      const [done] = await tx
        .update(refunds)
        .set({ status: 'COMPLETED', pointsRestored: restored, providerReference, completedAt: now })
        .where(eq(refunds.id, refundId))
        .returning();
      if (order.memberId) {
        await recordEvent(
          tx,
          outbox,
          'RefundCompleted',
          {
            refundId,
            orderId: order.id,
            memberId: order.memberId,
            amount,
            currency: order.currency,
            orderAmount: order.paidAmount,
            pointsRestored: restored,
            completedAt: now.toISOString(),
          },
          { now },
        );
        await recordEvent(
          tx,
          outbox,
          'MemberNoticeRequested',
          orderNotices.refundCompleted({ ...done!, memberId: order.memberId, amount, pointsRestored: restored }, order.currency),
          {
            now,
          },
        );
      }
      return done!;
    });
  }

  /** The provider refused to pay back: the approval is undone and the request is open again. */
  async release(refundId: string): Promise<void> {
    await this.db
      .update(refunds)
      .set({ status: 'REQUESTED', approvedAmount: null, decidedBy: null, decisionReason: null, decidedAt: null })
      .where(and(eq(refunds.id, refundId), eq(refunds.status, 'APPROVED')));
  }

  /**
   * Turns a request down with a reason. When it was the order's last open request and
   * nothing was refunded, the order goes back to where it was before.
   */
  async reject(refundId: string, reason: string, decidedBy: string, now: Date): Promise<RefundRow> {
    return this.db.transaction(async (t) => {
      const tx = t as unknown as Db;
      const order = await lockOrder(tx, this.scope, await this.orderOf(tx, refundId));
      const on = await this.refundsOn(tx, order.id);
      const refund = on.find((r) => r.id === refundId)!;
      if (refund.status === 'REJECTED') return refund;
      if (refund.status !== 'REQUESTED')
        throw conflict(`This refund request is already ${refund.status.toLowerCase()}; it cannot be rejected now.`);
      const [updated] = await tx
        .update(refunds)
        .set({ status: 'REJECTED', decidedBy, decisionReason: reason, decidedAt: now })
        .where(eq(refunds.id, refundId))
        .returning();
      const othersOpen = on.some((r) => r.id !== refundId && (OPEN as readonly string[]).includes(r.status));
      if (!othersOpen && order.status === 'REFUND_REQUESTED') {
        await tx
          .update(orders)
          .set({ status: nextStatus(order.status, 'closeRefundRequests', order.resumeStatus), resumeStatus: null })
          .where(eq(orders.id, order.id));
      }
      if (order.memberId)
        await recordEvent(
          tx,
          outbox,
          'MemberNoticeRequested',
          orderNotices.refundRejected({ ...updated!, memberId: order.memberId }, reason),
          { now },
        );
      return updated!;
    });
  }

  private async orderOf(tx: Db, refundId: string): Promise<string> {
    const [row] = await tx.select({ orderId: refunds.orderId }).from(refunds).where(eq(refunds.id, refundId));
    if (!row) throw notFound('There is no refund request with this id, or it is not yours.');
    return row.orderId;
  }

  /** The payment that paid the order: the route its refunds go back by. */
  private async paidWith(tx: Db, orderId: string): Promise<PaymentRow | null> {
    const [row] = await tx
      .select()
      .from(payments)
      .where(and(eq(payments.orderId, orderId), eq(payments.status, 'SUCCEEDED')));
    return row ?? null;
  }

  /** Refund requests of these orders, oldest first, in one statement. */
  async refundsOf(orderIds: readonly string[]): Promise<Map<string, RefundRow[]>> {
    const rows = await this.db
      .select(getTableColumns(refunds))
      .from(refunds)
      .innerJoin(orders, eq(orders.id, refunds.orderId))
      .where(and(inArray(refunds.orderId, [...orderIds]), visibleOrders(this.scope)))
      .orderBy(asc(refunds.orderId), asc(refunds.requestedAt), asc(refunds.id));
    return groupBy(rows, (r) => r.orderId);
  }

  /** Refund requests by id, as this scope may see them. */
  async byIds(ids: readonly string[]): Promise<Map<string, RefundRow>> {
    const rows = await this.db
      .select(getTableColumns(refunds))
      .from(refunds)
      .innerJoin(orders, eq(orders.id, refunds.orderId))
      .where(and(inArray(refunds.id, [...ids]), visibleOrders(this.scope)));
    return new Map(rows.map((r) => [r.id, r]));
  }

  /** Requests waiting for staff, oldest first: the refund queue. */
  async waiting(first: number): Promise<RefundRow[]> {
    return this.db
      .select(getTableColumns(refunds))
      .from(refunds)
      .innerJoin(orders, eq(orders.id, refunds.orderId))
      .where(and(eq(refunds.status, 'REQUESTED'), visibleOrders(this.scope)))
      .orderBy(asc(refunds.requestedAt), asc(refunds.id))
      .limit(first);
  }

  /** True when no sanction is in force on the member (orders' own projection of moderation's events). */
  async inGoodStanding(memberId: string, now: Date): Promise<boolean> {
    const [row] = await this.db
      .select({ id: memberSanctions.sanctionId })
      .from(memberSanctions)
      .where(
        and(
          eq(memberSanctions.memberId, memberId),
          isNull(memberSanctions.liftedAt),
          or(isNull(memberSanctions.endsAt), gt(memberSanctions.endsAt, now)),
          ne(memberSanctions.kind, 'WARNING'),
        ),
      )
      .limit(1);
    return !row;
  }
}

/**
 * Keeps orders' projection of sanctions: applied ones are in force until lifted or ended.
 * A lift that arrives before its SanctionApplied is kept, so the late event does not bring
 * the sanction back; replays change nothing. Call it with the consumer's transaction.
 */
export async function projectSanction(
  tx: Db,
  event:
    | { type: 'SanctionApplied'; payload: EventCatalog['SanctionApplied'] }
    | { type: 'SanctionLifted'; payload: EventCatalog['SanctionLifted'] },
  at: Date,
): Promise<void> {
  const p = event.payload;
  if (event.type === 'SanctionApplied') {
    const endsAt = event.payload.endsAt ? new Date(event.payload.endsAt) : null;
    await tx
      .insert(memberSanctions)
      .values({ sanctionId: p.sanctionId, memberId: p.memberId, kind: p.kind, endsAt, appliedAt: at })
      .onConflictDoUpdate({ target: memberSanctions.sanctionId, set: { kind: p.kind, endsAt, appliedAt: at } });
  } else {
    await tx
      .insert(memberSanctions)
      .values({ sanctionId: p.sanctionId, memberId: p.memberId, kind: p.kind, liftedAt: at })
      .onConflictDoUpdate({
        target: memberSanctions.sanctionId,
        set: { liftedAt: sql`coalesce(${memberSanctions.liftedAt}, ${at.toISOString()}::timestamptz)` },
      });
  }
}
