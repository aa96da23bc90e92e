import { DateTime, pageArgs, toConnection } from '@membership/subgraph';
import type { LedgerEntry } from '../domain/ledger.js';
import { exportMemberId, pointsExport } from '../domain/export.js';
import type { Resolvers } from '../generated/resolvers-types.js';

const cursorOf = (e: LedgerEntry) => ({ at: e.createdAt, id: e.id });

export const resolvers: Resolvers = {
  DateTime,
  Query: {
    memberDataExport: async (_, args, ctx) => {
      const memberId = exportMemberId(args.memberId);
      return JSON.stringify(pointsExport(memberId, await ctx.points.everythingOf(memberId), ctx.now()));
    },
  },
  Member: {
    // Identity owns the member; points only needs the id, so no lookup here.
    __resolveReference: (ref) => ({ id: ref.id }),
    pointsBalance: (member, _, ctx) => ctx.loaders.balance.load(member.id),
    pointsHistory: async (member, args, ctx) => {
      const { first, after } = pageArgs(args);
      const rows = await ctx.loaders.history.load({ memberId: member.id, first, after });
      return toConnection(rows, first, cursorOf);
    },
  },
  PointsEntry: {
    occurredAt: (entry) => entry.createdAt,
  },
};
