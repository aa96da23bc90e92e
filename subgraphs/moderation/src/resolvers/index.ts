import { DateTime } from '@membership/subgraph';
import type { ModerationContext } from '../context.js';
import { exportMemberId, moderationExport } from '../domain/export.js';
import { standingFrom } from '../domain/standing.js';

type MemberRef = { id: string };

export const resolvers = {
  DateTime,
  Query: {
    memberDataExport: async (_: unknown, args: { memberId: string }, ctx: ModerationContext) => {
      const memberId = exportMemberId(args.memberId);
      return JSON.stringify(moderationExport(memberId, await ctx.sanctions.everythingOf(memberId), ctx.now));
    },
  },
  Member: {
    __resolveReference: (ref: MemberRef) => ({ id: ref.id }),
    standing: async (member: MemberRef, _: unknown, ctx: ModerationContext) =>
      standingFrom(await ctx.loaders.unliftedSanctionsOfMember.load(member.id), ctx.now),
  },
};
