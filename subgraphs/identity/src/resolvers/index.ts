import { DateTime, badInput, pageArgs, toConnection } from '@membership/subgraph';
import type { IdentityContext } from '../context.js';
import type { MemberRow } from '../db/members-repository.js';
import { login, register } from '../domain/accounts.js';
import { isUuid, recordPiiAccess, type PiiAccessEntryInput } from '../domain/pii-access-log.js';

type Args<T> = T;
const cursorOf = (m: MemberRow) => ({ at: m.registeredAt, id: m.id });

export const resolvers = {
  DateTime,
  Query: {
    me: (_: unknown, __: unknown, ctx: IdentityContext) =>
      ctx.viewer.kind === 'member' ? ctx.loaders.memberById.load(ctx.viewer.memberId) : null,
    member: (_: unknown, args: Args<{ id: string }>, ctx: IdentityContext) => ctx.loaders.memberById.load(args.id),
    members: async (_: unknown, args: Args<{ first?: number; after?: string }>, ctx: IdentityContext) => {
      const { first, after } = pageArgs(args);
      const rows = await ctx.accounts.members.page(first, after);
      for (const row of rows) ctx.loaders.memberById.prime(row.id, row);
      return toConnection(rows, first, cursorOf);
    },
  },
  Mutation: {
    register: (_: unknown, args: Args<{ input: Parameters<typeof register>[1] }>, ctx: IdentityContext) =>
      register(ctx.accounts, { ...args.input, id: undefined }),
    login: (_: unknown, args: Args<{ input: { login: string; password: string } }>, ctx: IdentityContext) =>
      login(ctx.accounts, args.input),
    recordPiiAccess: (_: unknown, args: Args<{ input: { entries: PiiAccessEntryInput[] } }>, ctx: IdentityContext) =>
      recordPiiAccess(ctx.piiAccess, args.input.entries),
  },
  Member: {
    __resolveReference: (ref: { id: string }, ctx: IdentityContext) => ctx.loaders.memberById.load(ref.id),
    piiAccessLog: (member: { id: string }, args: Args<{ first?: number; after?: string }>, ctx: IdentityContext) => {
      const page = pageArgs(args);
      // The id goes into a uuid comparison; a forged cursor must be bad input, not a SQL error.
      if (page.after && !isUuid(page.after.id)) throw badInput('The cursor is not one this list gave out.', 'after');
      return ctx.loaders.piiAccessLog.load({ memberId: member.id, ...page });
    },
  },
};
