import { DateTime } from '@membership/subgraph';
import { exportMemberId, moderationExport } from '../domain/export.js';
import { standingFrom } from '../domain/standing.js';
import type { Resolvers } from '../generated/resolvers-types.js';

export const resolvers: Resolvers = {
  DateTime,
  Query: {
    memberDataExport: async (_, args, ctx) => {
      const memberId = exportMemberId(args.memberId);
      return JSON.stringify(moderationExport(memberId, await ctx.sanctions.everythingOf(memberId), ctx.now));
    },
  },
  Member: {
    __resolveReference: (ref) => ({ id: ref.id }),
    standing: async (member, _, ctx) => standingFrom(await ctx.loaders.unliftedSanctionsOfMember.load(member.id), ctx.now),
  },
};
