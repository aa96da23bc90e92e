import { DateTime } from '@membership/subgraph';
import type { ModerationContext } from '../context.js';
import { standingFrom } from '../domain/standing.js';

type MemberRef = { id: string };

export const resolvers = {
  DateTime,
  Member: {
    __resolveReference: (ref: MemberRef) => ({ id: ref.id }),
    standing: async (member: MemberRef, _: unknown, ctx: ModerationContext) =>
      standingFrom(await ctx.loaders.unliftedSanctionsOfMember.load(member.id), ctx.now),
  },
};
