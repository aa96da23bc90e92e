import { DateTime, badInput, forbidden, notFound } from '@membership/subgraph';
import type { Viewer } from '@membership/viewer';
import type { LineInOrder } from '../context.js';
import { exportMemberId, ordersExport } from '../domain/export.js';
import { isOrderId, lineTotal, orderPageArgs } from '../domain/orders.js';
import { decisionNote } from '../domain/risk.js';
import type { Resolvers } from '../generated/resolvers-types.js';

const money = (amount: number, currency: string) => ({ amount, currency });

/** The calling member's id; the rules let only members reach the fields that ask. */
function memberOf(viewer: Viewer): string {
  if (viewer.kind !== 'member') throw forbidden('Only a signed-in member can do this.');
  return viewer.memberId;
}

/** The calling staff member's id, for the record of who decided. */
function staffOf(viewer: Viewer): string {
  if (viewer.kind !== 'staff') throw forbidden('Only staff can do this.');
  return viewer.staffId;
}

/** An id argument that must look like one of ours (uuid), or BAD_USER_INPUT naming the field. */
function idArg(id: string, field: string): string {
  if (!isOrderId(id)) throw badInput(`"${id}" is not a valid id.`, field);
  return id;
}

/** `first` for the staff queues: 1 to 100. */
function queueSize(first: number | null | undefined): number {
  const n = first ?? 20;
  if (!Number.isInteger(n) || n < 1 || n > 100) throw badInput('first must be between 1 and 100.', 'first');
  return n;
}

export const resolvers: Resolvers = {
  DateTime,
  Query: {
    order: async (_, args, ctx) => {
      if (!isOrderId(args.id)) throw badInput(`"${args.id}" is not an order id.`, 'id');
      const order = await ctx.loaders.orderById.load(args.id);
      if (!order) throw notFound('There is no order with this id, or it is not yours to see.');
      return order;
    },
    refundRequests: (_, args, ctx) => ctx.services.refunds.waiting(queueSize(args.first)),
    riskFlags: (_, args, ctx) => ctx.risk.list(args.status ?? 'OPEN', queueSize(args.first)),
    memberDataExport: async (_, args, ctx) => {
      const memberId = exportMemberId(args.memberId);
      return JSON.stringify(ordersExport(memberId, await ctx.orders.everythingOf(memberId), ctx.now()));
    },
  },
  Mutation: {
    placeOrder: (_, { input }, ctx) =>
      ctx.services.placeOrder(memberOf(ctx.viewer), {
        idempotencyKey: input.idempotencyKey,
        currency: input.currency,
        lines: input.lines,
        discounts: input.discounts ?? [],
        pointsToUse: input.pointsToUse ?? 0,
        shippingAddress: input.shippingAddress,
        shareCode: input.shareCode ?? null,
      }),
    payOrder: (_, { input }, ctx) => {
      if (input.method === 'OFFLINE') throw badInput('Offline payments are recorded by staff; pay ONLINE or with POINTS.', 'method');
      return ctx.services.payOrder({
        orderId: idArg(input.orderId, 'orderId'),
        method: input.method,
        paymentToken: input.paymentToken ?? null,
        deviceFingerprint: input.deviceFingerprint ?? null,
        idempotencyKey: input.idempotencyKey,
      });
    },
    recordOfflinePayment: (_, { input }, ctx) =>
      ctx.services.recordOfflinePayment(staffOf(ctx.viewer), { ...input, orderId: idArg(input.orderId, 'orderId') }),
    paymentCallback: async (_, { input }, ctx) => {
      const settled = await ctx.services.paymentCallback({
        ...input,
        paymentId: idArg(input.paymentId, 'paymentId'),
        last4: input.last4 ?? null,
      });
      return { paymentId: settled.payment.id, status: settled.payment.status };
    },
    cancelOrder: (_, args, ctx) => ctx.services.cancelOrder(idArg(args.id, 'id')),
    advanceOrder: (_, { input }, ctx) => ctx.services.advanceOrder(idArg(input.orderId, 'orderId'), input.step),
    requestRefund: (_, { input }, ctx) =>
      ctx.services.requestRefund(
        memberOf(ctx.viewer),
        idArg(input.orderId, 'orderId'),
        {
          reason: input.reason,
          note: input.note ?? null,
          evidence: input.evidence ?? [],
          lines: (input.lines ?? []).map((l) => ({ lineId: idArg(l.lineId, 'lines'), quantity: l.quantity })),
        },
        input.idempotencyKey,
      ),
    approveRefund: (_, { input }, ctx) =>
      ctx.services.approveRefund(staffOf(ctx.viewer), idArg(input.refundId, 'refundId'), input.amount ?? null, input.reason ?? null),
    rejectRefund: (_, { input }, ctx) => ctx.services.rejectRefund(staffOf(ctx.viewer), idArg(input.refundId, 'refundId'), input.reason),
    requestInvoice: (_, { input }, ctx) =>
      ctx.services.requestInvoice(idArg(input.orderId, 'orderId'), input.kind, input.companyName ?? null, input.taxId ?? null),
    reviewOrder: (_, { input }, ctx) => ctx.services.reviewOrder(idArg(input.orderId, 'orderId'), input.rating, input.comment ?? null),
    decideRiskFlag: (_, { input }, ctx) =>
      ctx.risk.decide(idArg(input.flagId, 'flagId'), input.decision, decisionNote(input.note), staffOf(ctx.viewer), ctx.now()),
  },
  Order: {
    __resolveReference: (ref, ctx) => (isOrderId(ref.id) ? ctx.loaders.orderById.load(ref.id) : null),
    total: (order) => money(order.totalAmount, order.currency),
    discount: (order) => money(order.discountAmount, order.currency),
    pointsDiscount: (order) => money(order.pointsDiscountAmount, order.currency),
    amountDue: (order) => money(order.amountDue, order.currency),
    paid: (order) => money(order.paidAmount, order.currency),
    refunded: (order) => money(order.refundedAmount, order.currency),
    lines: async (order, _, ctx): Promise<LineInOrder[]> =>
      (await ctx.loaders.linesByOrderId.load(order.id)).map((line) => ({ ...line, currency: order.currency })),
    payments: (order, _, ctx) => ctx.loaders.paymentsByOrderId.load(order.id),
    refunds: (order, _, ctx) => ctx.loaders.refundsByOrderId.load(order.id),
    invoice: (order, _, ctx) => ctx.loaders.invoiceByOrderId.load(order.id),
    review: (order, _, ctx) => ctx.loaders.reviewByOrderId.load(order.id),
    // Null once the member who placed it was erased: the order is kept, the person is not.
    member: (order) => (order.memberId ? { id: order.memberId } : null),
  },
  OrderLine: {
    unitPrice: (line) => money(line.unitAmount, line.currency),
    total: (line) => lineTotal(line, line.currency),
  },
  Payment: {
    amount: (p) => money(p.amount, p.currency),
  },
  PaymentAttempt: {
    payment: (attempt) => attempt.payment,
    order: (attempt) => attempt.order,
  },
  Refund: {
    requested: (r, _, ctx) => currencyOf(r.orderId, ctx).then((c) => money(r.amount, c)),
    approved: (r, _, ctx) => (r.approvedAmount === null ? null : currencyOf(r.orderId, ctx).then((c) => money(r.approvedAmount!, c))),
    autoApproved: (r) => r.decidedBy === 'auto',
  },
  Invoice: {
    amount: (i) => money(i.amount, i.currency),
  },
  Member: {
    __resolveReference: (ref) => ({ id: ref.id }),
    orders: (member, args, ctx) => ctx.loaders.ordersByMember.load({ memberId: member.id, ...orderPageArgs(args) }),
  },
};

/** A refund's currency is its order's, read through the order loader (one statement for all refunds). */
async function currencyOf(
  orderId: string,
  ctx: { loaders: { orderById: { load(id: string): Promise<{ currency: string } | null> } } },
): Promise<string> {
  const order = await ctx.loaders.orderById.load(orderId);
  if (!order) throw notFound('The order of this refund is not yours to see.');
  return order.currency;
}
