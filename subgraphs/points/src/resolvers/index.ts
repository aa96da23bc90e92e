import { DateTime, badInput, pageArgs, toConnection } from '@membership/subgraph';
import type { LedgerEntry } from '../domain/ledger.js';
import { exportMemberId, pointsExport } from '../domain/export.js';
import { holdPointsForOrder } from '../domain/orders.js';
import { adjustPoints } from '../domain/staff.js';
import type { PointsEntryKind, Resolvers } from '../generated/resolvers-types.js';

const cursorOf = (e: LedgerEntry) => ({ at: e.createdAt, id: e.id });

/** The staff member calling, for the operation log (the rules let only staff reach staff fields). */
function staffIdOf(viewer: { kind: string; staffId?: string }): string {
  if (viewer.kind !== 'staff' || !viewer.staffId) throw badInput('Only staff adjust balances.');
  return viewer.staffId;
}

/** Lots expiring on the same instant, summed, soonest first. */
function byExpiry(lots: readonly { remaining: number; expiresAt: Date }[]) {
  const sums = new Map<number, number>();
  for (const l of lots) sums.set(l.expiresAt.getTime(), (sums.get(l.expiresAt.getTime()) ?? 0) + l.remaining);
  return [...sums].map(([at, points]) => ({ points, expiresAt: new Date(at) }));
}

export const resolvers: Resolvers = {
  DateTime,
  Query: {
    memberDataExport: async (_, args, ctx) => {
      const memberId = exportMemberId(args.memberId);
      return JSON.stringify(pointsExport(memberId, await ctx.points.everythingOf(memberId), ctx.now()));
    },
  },
  Mutation: {
    holdPointsForOrder: (_, { input }, ctx) => holdPointsForOrder(ctx.points, input, ctx.policy, ctx.now()),
    adjustPoints: (_, { input }, ctx) => adjustPoints(ctx.points, staffIdOf(ctx.viewer), input, ctx.policy, ctx.now()),
  },
  Member: {
    // Identity owns the member; points only needs the id, so no lookup here.
    __resolveReference: (ref) => ({ id: ref.id }),
    pointsBalance: async (member, _, ctx) => (await ctx.loaders.account.load(member.id))?.balance ?? 0,
    pointsDebt: async (member, _, ctx) => (await ctx.loaders.account.load(member.id))?.debt ?? 0,
    pendingPoints: (member, _, ctx) => ctx.loaders.pending.load(member.id),
    pointsExpiringSoon: async (member, _, ctx) => byExpiry(await ctx.loaders.expiringSoon.load(member.id)),
    pointsHistory: async (member, args, ctx) => {
      const { first, after } = pageArgs(args);
      const rows = await ctx.loaders.history.load({ memberId: member.id, first, after });
      return toConnection(rows, first, cursorOf);
    },
  },
  PointsEntry: {
    occurredAt: (entry) => entry.createdAt,
    kind: (entry) => entry.kind.toUpperCase() as PointsEntryKind,
  },
};
