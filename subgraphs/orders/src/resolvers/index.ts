import { DateTime, badInput, notFound } from '@membership/subgraph';
import type { OrdersContext } from '../context.js';
import type { OrderLineRow, OrderRow } from '../db/orders-repository.js';
import { exportMemberId, ordersExport } from '../domain/export.js';
import { isOrderId, lineTotal, orderPageArgs } from '../domain/orders.js';

type Args<T> = T;
type LineInOrder = OrderLineRow & { currency: string };

export const resolvers = {
  DateTime,
  Query: {
    order: async (_: unknown, args: Args<{ id: string }>, ctx: OrdersContext) => {
      if (!isOrderId(args.id)) throw badInput(`"${args.id}" is not an order id.`, 'id');
      const order = await ctx.loaders.orderById.load(args.id);
      if (!order) throw notFound('There is no order with this id, or it is not yours to see.');
      return order;
    },
    memberDataExport: async (_: unknown, args: Args<{ memberId: string }>, ctx: OrdersContext) => {
      const memberId = exportMemberId(args.memberId);
      return JSON.stringify(ordersExport(memberId, await ctx.orders.everythingOf(memberId), ctx.now()));
    },
  },
  Order: {
    __resolveReference: (ref: { id: string }, ctx: OrdersContext) =>
      isOrderId(ref.id) ? ctx.loaders.orderById.load(ref.id) : null,
    total: (order: OrderRow) => ({ amount: order.totalAmount, currency: order.currency }),
    lines: async (order: OrderRow, _: unknown, ctx: OrdersContext): Promise<LineInOrder[]> =>
      (await ctx.loaders.linesByOrderId.load(order.id)).map((line) => ({ ...line, currency: order.currency })),
    // Null once the member who placed it was erased: the order is kept, the person is not.
    member: (order: OrderRow) => (order.memberId ? { id: order.memberId } : null),
  },
  OrderLine: {
    unitPrice: (line: LineInOrder) => ({ amount: line.unitAmount, currency: line.currency }),
    total: (line: LineInOrder) => lineTotal(line, line.currency),
  },
  Member: {
    __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
    orders: (member: { id: string }, args: Args<{ first?: number; after?: string }>, ctx: OrdersContext) =>
      ctx.loaders.ordersByMember.load({ memberId: member.id, ...orderPageArgs(args) }),
  },
};
