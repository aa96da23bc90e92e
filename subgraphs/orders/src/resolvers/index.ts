import { DateTime, badInput, notFound } from '@membership/subgraph';
import type { LineInOrder } from '../context.js';
import { exportMemberId, ordersExport } from '../domain/export.js';
import { isOrderId, lineTotal, orderPageArgs } from '../domain/orders.js';
import type { Resolvers } from '../generated/resolvers-types.js';

export const resolvers: Resolvers = {
  DateTime,
  Query: {
    order: async (_, args, ctx) => {
      if (!isOrderId(args.id)) throw badInput(`"${args.id}" is not an order id.`, 'id');
      const order = await ctx.loaders.orderById.load(args.id);
      if (!order) throw notFound('There is no order with this id, or it is not yours to see.');
      return order;
    },
    memberDataExport: async (_, args, ctx) => {
      const memberId = exportMemberId(args.memberId);
      return JSON.stringify(ordersExport(memberId, await ctx.orders.everythingOf(memberId), ctx.now()));
    },
  },
  Order: {
    __resolveReference: (ref, ctx) => (isOrderId(ref.id) ? ctx.loaders.orderById.load(ref.id) : null),
    total: (order) => ({ amount: order.totalAmount, currency: order.currency }),
    lines: async (order, _, ctx): Promise<LineInOrder[]> =>
      (await ctx.loaders.linesByOrderId.load(order.id)).map((line) => ({ ...line, currency: order.currency })),
    // Null once the member who placed it was erased: the order is kept, the person is not.
    member: (order) => (order.memberId ? { id: order.memberId } : null),
  },
  OrderLine: {
    unitPrice: (line) => ({ amount: line.unitAmount, currency: line.currency }),
    total: (line) => lineTotal(line, line.currency),
  },
  Member: {
    __resolveReference: (ref) => ({ id: ref.id }),
    orders: (member, args, ctx) => ctx.loaders.ordersByMember.load({ memberId: member.id, ...orderPageArgs(args) }),
  },
};
