import { DateTime } from '@membership/subgraph';
import type { Resolvers } from '../generated/resolvers-types.js';
import { exportMemberId, tiersExport } from '../domain/export.js';
import { pointsMultiplier } from '../domain/tiers.js';

export const resolvers: Resolvers = {
  DateTime,
  Query: {
    tiers: (_, __, ctx) => ctx.tiers.published(),
    memberDataExport: async (_, args, ctx) => {
      const memberId = exportMemberId(args.memberId);
      return JSON.stringify(tiersExport(memberId, await ctx.tiers.everythingOf(memberId), ctx.now()));
    },
  },
  Tier: {
    pointsMultiplier: (tier) => pointsMultiplier(tier.pointsMultiplierPercent),
  },
  Member: {
    __resolveReference: (ref) => ({ id: ref.id }),
    tier: async (member, _, ctx) => (await ctx.loaders.tierOfMember.load(member.id))?.tier ?? null,
    tierSince: async (member, _, ctx) => (await ctx.loaders.tierOfMember.load(member.id))?.since ?? null,
  },
};
