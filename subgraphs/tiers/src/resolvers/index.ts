import { DateTime } from '@membership/subgraph';
import type { TiersContext } from '../context.js';
import type { TierRow } from '../db/tiers-repository.js';
import { exportMemberId, tiersExport } from '../domain/export.js';
import { pointsMultiplier } from '../domain/tiers.js';

type MemberRef = { id: string };

export const resolvers = {
  DateTime,
  Query: {
    tiers: (_: unknown, __: unknown, ctx: TiersContext) => ctx.tiers.published(),
    memberDataExport: async (_: unknown, args: { memberId: string }, ctx: TiersContext) => {
      const memberId = exportMemberId(args.memberId);
      return JSON.stringify(tiersExport(memberId, await ctx.tiers.everythingOf(memberId), ctx.now()));
    },
  },
  Tier: {
    pointsMultiplier: (tier: TierRow) => pointsMultiplier(tier.pointsMultiplierPercent),
  },
  Member: {
    __resolveReference: (ref: MemberRef) => ({ id: ref.id }),
    tier: async (member: MemberRef, _: unknown, ctx: TiersContext) => (await ctx.loaders.tierOfMember.load(member.id))?.tier ?? null,
    tierSince: async (member: MemberRef, _: unknown, ctx: TiersContext) => (await ctx.loaders.tierOfMember.load(member.id))?.since ?? null,
  },
};
