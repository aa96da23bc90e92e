import { DateTime, badInput, pageArgs, toConnection } from '@membership/subgraph';
import { memberIdOf } from '@membership/viewer';
import type { IdentityContext } from '../context.js';
import type { Member } from '../db/members-repository.js';
import { changePassword, login, logout, refreshSession, register, requestRegistrationCode } from '../domain/accounts.js';
import { isUuid, recordPiiAccess, type PiiAccessEntryInput } from '../domain/pii-access-log.js';
import type { StaffOperationRow } from '../db/staff-operation-log.js';
import type { Verification } from '../db/verifications-repository.js';
import {
  approveVerification,
  rejectVerification,
  reviewQueue,
  submitAdvancedVerification,
  submitPrimaryVerification,
} from '../domain/verification.js';
import { displayStatus } from '../domain/verification-rules.js';
import {
  changeStaffPassword,
  createStaff,
  setStaffRoles,
  staffById,
  staffLogin,
  type Actor,
  type CreateStaffInput,
} from '../domain/staff.js';

type Args<T> = T;
const cursorOf = (m: Member) => ({ at: m.registeredAt, id: m.id });
const verificationCursor = (v: Verification) => ({ at: v.submittedAt, id: v.id });
const checkId = (id: string, field = 'id') => {
  if (!isUuid(id)) throw badInput(`${field} is not an id this API gave out.`, field);
  return id;
};
const operationCursor = (op: StaffOperationRow) => ({ at: op.occurredAt, id: op.id });
const json = (value: unknown) => (value === null || value === undefined ? null : JSON.stringify(value));

/** The staff member acting; permissions let only staff reach the fields that call it. */
function actor(ctx: IdentityContext): Actor {
  if (ctx.viewer.kind !== 'staff') throw new Error('staff operation reached without a staff viewer');
  return { kind: 'staff', id: ctx.viewer.staffId };
}

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
    currentStaff: (_: unknown, __: unknown, ctx: IdentityContext) =>
      ctx.viewer.kind === 'staff' ? staffById(ctx.staff, ctx.viewer.staffId) : null,
    roles: (_: unknown, __: unknown, ctx: IdentityContext) => ctx.staff.staff.roles(),
    verificationReviewQueue: async (_: unknown, args: Args<{ first?: number; after?: string }>, ctx: IdentityContext) => {
      const { first, after } = pageArgs(args);
      return toConnection(await reviewQueue(ctx.verification, first, after), first, verificationCursor);
    },
    staffOperationLog: async (_: unknown, args: Args<{ first?: number; after?: string }>, ctx: IdentityContext) => {
      const { first, after } = pageArgs(args);
      return toConnection(await ctx.staff.operations.page(first, after), first, operationCursor);
    },
  },
  Mutation: {
    requestRegistrationCode: async (_: unknown, args: Args<{ input: { email?: string; phone?: string } }>, ctx: IdentityContext) => {
      const sent = await requestRegistrationCode(ctx.accounts, args.input);
      return { ...sent, channel: sent.channel.toUpperCase() };
    },
    register: (_: unknown, args: Args<{ input: Parameters<typeof register>[1] }>, ctx: IdentityContext) =>
      register(ctx.accounts, { ...args.input, id: undefined }),
    login: (_: unknown, args: Args<{ input: { login: string; password: string } }>, ctx: IdentityContext) =>
      login(ctx.accounts, args.input),
    refreshSession: (_: unknown, args: Args<{ refreshToken: string }>, ctx: IdentityContext) =>
      refreshSession(ctx.accounts, args.refreshToken),
    logout: (_: unknown, args: Args<{ refreshToken: string }>, ctx: IdentityContext) => logout(ctx.accounts, args.refreshToken),
    changePassword: (_: unknown, args: Args<{ currentPassword: string; newPassword: string }>, ctx: IdentityContext) =>
      changePassword(ctx.accounts, memberIdOf(ctx.viewer)!, args),
    submitPrimaryVerification: (_: unknown, args: Args<{ input: { realName: string; idNumber: string } }>, ctx: IdentityContext) =>
      submitPrimaryVerification(ctx.verification, memberIdOf(ctx.viewer)!, args.input),
    submitAdvancedVerification: (
      _: unknown,
      args: Args<{ input: { documentImageRef: string; faceImageRef: string } }>,
      ctx: IdentityContext,
    ) => submitAdvancedVerification(ctx.verification, memberIdOf(ctx.viewer)!, args.input),
    approveVerification: (_: unknown, args: Args<{ id: string; reason?: string | null }>, ctx: IdentityContext) =>
      approveVerification(ctx.verification, actor(ctx), checkId(args.id), args.reason, ctx.requestId),
    rejectVerification: (_: unknown, args: Args<{ id: string; reason: string }>, ctx: IdentityContext) =>
      rejectVerification(ctx.verification, actor(ctx), checkId(args.id), args.reason, ctx.requestId),
    staffLogin: (_: unknown, args: Args<{ email: string; password: string }>, ctx: IdentityContext) => staffLogin(ctx.staff, args),
    changeStaffPassword: (_: unknown, args: Args<{ email: string; currentPassword: string; newPassword: string }>, ctx: IdentityContext) =>
      changeStaffPassword(ctx.staff, args, ctx.requestId),
    createStaff: (_: unknown, args: Args<{ input: CreateStaffInput }>, ctx: IdentityContext) =>
      createStaff(ctx.staff, actor(ctx), args.input, ctx.requestId),
    setStaffRoles: (_: unknown, args: Args<{ staffId: string; roles: string[]; reason: string }>, ctx: IdentityContext) => {
      checkId(args.staffId, 'staffId');
      return setStaffRoles(ctx.staff, actor(ctx), args, ctx.requestId);
    },
    recordPiiAccess: (_: unknown, args: Args<{ input: { entries: PiiAccessEntryInput[] } }>, ctx: IdentityContext) =>
      recordPiiAccess(ctx.piiAccess, args.input.entries),
  },
  Verification: {
    kind: (v: Verification) => v.level.toUpperCase(),
    status: (v: Verification, _: unknown, ctx: IdentityContext) => displayStatus(v, ctx.verification.now()),
  },
  StaffOperation: {
    before: (op: StaffOperationRow) => json(op.before),
    after: (op: StaffOperationRow) => json(op.after),
  },
  Member: {
    __resolveReference: (ref: { id: string }, ctx: IdentityContext) => ctx.loaders.memberById.load(ref.id),
    verificationLevel: async (member: { id: string }, _: unknown, ctx: IdentityContext) =>
      (await ctx.loaders.verificationLevel.load(member.id)).level.toUpperCase(),
    verificationExpiresAt: async (member: { id: string }, _: unknown, ctx: IdentityContext) =>
      (await ctx.loaders.verificationLevel.load(member.id)).expiresAt,
    verifications: (member: { id: string }, _: unknown, ctx: IdentityContext) => ctx.loaders.verifications.load(member.id),
    piiAccessLog: (member: { id: string }, args: Args<{ first?: number; after?: string }>, ctx: IdentityContext) => {
      const page = pageArgs(args);
      // The id goes into a uuid comparison; a forged cursor must be bad input, not a SQL error.
      if (page.after && !isUuid(page.after.id)) throw badInput('The cursor is not one this list gave out.', 'after');
      return ctx.loaders.piiAccessLog.load({ memberId: member.id, ...page });
    },
  },
};
