import { DateTime, pageArgs, toConnection } from '@membership/subgraph';
import type { PointsContext } from '../context.js';
import type { LedgerRow } from '../db/points-repository.js';
import { exportMemberId, pointsExport } from '../domain/export.js';

const cursorOf = (e: LedgerRow) => ({ at: e.createdAt, id: e.id });

export const resolvers = {
  DateTime,
  Query: {
    memberDataExport: async (_: unknown, args: { memberId: string }, ctx: PointsContext) => {
      const memberId = exportMemberId(args.memberId);
      return JSON.stringify(pointsExport(memberId, await ctx.points.everythingOf(memberId), ctx.now()));
    },
  },
  Member: {
    // Identity owns the member; points only needs the id, so no lookup here.
    __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
    pointsBalance: (member: { id: string }, _: unknown, ctx: PointsContext) => ctx.loaders.balance.load(member.id),
    pointsHistory: async (member: { id: string }, args: { first?: number; after?: string }, ctx: PointsContext) => {
      const { first, after } = pageArgs(args);
      const rows = await ctx.loaders.history.load({ memberId: member.id, first, after });
      return toConnection(rows, first, cursorOf);
    },
  },
  PointsEntry: {
    occurredAt: (entry: LedgerRow) => entry.createdAt,
  },
};
