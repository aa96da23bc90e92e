import { DateTime, badInput, notFound, pageArgs, toConnection } from '@membership/subgraph';
import { memberIdOf } from '@membership/viewer';
import type { IdentityContext } from '../context.js';
import { changePassword, login, logout, refreshSession, register, requestPasswordReset, requestRegistrationCode, resetPassword } from '../domain/accounts.js';
import { isUuid, recordPiiAccess, type PiiAccessEntryInput } from '../domain/pii-access-log.js';
import type { JobRunRow } from '@membership/jobs';
import {
  approveVerification,
  rejectVerification,
  reviewQueue,
  submitAdvancedVerification,
  submitPrimaryVerification,
} from '../domain/verification.js';
import { cancelErasure, requestErasure } from '../domain/erasure.js';
import { dataExportOf, downloadJson, requestDataExport } from '../domain/data-export.js';
import { exportDisplayStatus } from '../domain/data-export-rules.js';
import {
  acceptPolicy,
  grantPartnerConsent,
  publishPolicyVersion,
  revokePartnerConsent,
  updateMarketingPreferences,
} from '../domain/consents.js';
import { marketingPreferences, partnerSharing, policiesToAccept, type CaptureChannel, type CaptureMethod, type MarketingInput, type PolicyKind } from '../domain/consent-rules.js';
import { updateProfile } from '../domain/profile.js';
import type { ProfileInput } from '../domain/profile-rules.js';
import type {
  ConsentRecordRow,
  DataExportRow,
  ErasureRequestRow,
  Member,
  NoticeRow,
  PolicyAcceptanceRow,
  StaffOperationRow,
  Verification,
} from '../domain/records.js';
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
const jobRunCursor = (run: JobRunRow) => ({ at: run.startedAt, id: run.id });
const json = (value: unknown) => (value === null || value === undefined ? null : JSON.stringify(value));

const lower = <T extends string>(value: string) => value.toLowerCase() as T;
const capture = (args: { channel?: string | null; method?: string | null }) => ({
  channel: lower<CaptureChannel>(args.channel ?? 'WEB'),
  method: lower<CaptureMethod>(args.method ?? 'CHECKBOX'),
});
const PURPOSES: Record<string, string> = { marketing: 'MARKETING', personalisation: 'PERSONALISED_RECOMMENDATIONS', partner_sharing: 'PARTNER_SHARING' };
type CaptureArgs = { channel?: string | null; method?: string | null };

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
      const rows = await ctx.stores.members.page(first, after);
      for (const row of rows) ctx.loaders.memberById.prime(row.id, row);
      return toConnection(rows, first, cursorOf);
    },
    currentStaff: (_: unknown, __: unknown, ctx: IdentityContext) =>
      ctx.viewer.kind === 'staff' ? staffById(ctx.staff, ctx.viewer.staffId) : null,
    roles: (_: unknown, __: unknown, ctx: IdentityContext) => ctx.stores.staff.roles(),
    verificationReviewQueue: async (_: unknown, args: Args<{ first?: number; after?: string }>, ctx: IdentityContext) => {
      const { first, after } = pageArgs(args);
      return toConnection(await reviewQueue(ctx.verification, first, after), first, verificationCursor);
    },
    currentPolicies: (_: unknown, __: unknown, ctx: IdentityContext) => ctx.loaders.currentPolicies(),
    dataExport: (_: unknown, args: Args<{ id: string }>, ctx: IdentityContext) =>
      dataExportOf(ctx.dataExport, memberIdOf(ctx.viewer)!, checkId(args.id)),
    staffOperationLog: async (_: unknown, args: Args<{ first?: number; after?: string }>, ctx: IdentityContext) => {
      const { first, after } = pageArgs(args);
      return toConnection(await ctx.stores.operations.page(first, after), first, operationCursor);
    },
    jobRuns: async (_: unknown, args: Args<{ job?: string | null; first?: number; after?: string }>, ctx: IdentityContext) => {
      const { first, after } = pageArgs(args);
      return toConnection(await ctx.jobRuns.page({ job: args.job }, first, after), first, jobRunCursor);
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
    requestPasswordReset: async (_: unknown, args: Args<{ login: string }>, ctx: IdentityContext) => {
      const sent = await requestPasswordReset(ctx.accounts, args.login);
      return { ...sent, channel: sent.channel.toUpperCase() };
    },
    resetPassword: (_: unknown, args: Args<{ login: string; code: string; newPassword: string }>, ctx: IdentityContext) =>
      resetPassword(ctx.accounts, args),
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
    markNoticeRead: async (_: unknown, args: Args<{ id: string }>, ctx: IdentityContext) => {
      const notice = await ctx.stores.inbox.markRead(checkId(args.id), memberIdOf(ctx.viewer)!, ctx.now());
      if (!notice) throw notFound('There is no notice with this id in your inbox.');
      return notice;
    },
    updateProfile: (_: unknown, args: Args<ProfileInput>, ctx: IdentityContext) =>
      updateProfile(ctx.accounts, memberIdOf(ctx.viewer)!, args, ctx.requestId),
    publishPolicyVersion: (_: unknown, args: Args<{ input: { kind: string; version: string; text: string; reason: string } }>, ctx: IdentityContext) =>
      publishPolicyVersion(ctx.consents, actor(ctx), { ...args.input, kind: lower<PolicyKind>(args.input.kind) }, ctx.requestId),
    acceptPolicy: (_: unknown, args: Args<{ kind: string; version: string } & CaptureArgs>, ctx: IdentityContext) =>
      acceptPolicy(ctx.consents, memberIdOf(ctx.viewer)!, { kind: lower<PolicyKind>(args.kind), version: args.version }, capture(args)),
    updateMarketingPreferences: (_: unknown, args: Args<{ input: MarketingInput & CaptureArgs }>, ctx: IdentityContext) =>
      updateMarketingPreferences(ctx.consents, memberIdOf(ctx.viewer)!, args.input, capture(args.input)),
    grantPartnerConsent: (_: unknown, args: Args<{ partnerId: string; category: string } & CaptureArgs>, ctx: IdentityContext) =>
      grantPartnerConsent(ctx.consents, memberIdOf(ctx.viewer)!, args, capture(args)),
    revokePartnerConsent: (_: unknown, args: Args<{ partnerId: string; category: string } & CaptureArgs>, ctx: IdentityContext) =>
      revokePartnerConsent(ctx.consents, memberIdOf(ctx.viewer)!, args, capture(args)),
    requestDataExport: (_: unknown, __: unknown, ctx: IdentityContext) => requestDataExport(ctx.dataExport, memberIdOf(ctx.viewer)!),
    requestErasure: (_: unknown, __: unknown, ctx: IdentityContext) => requestErasure(ctx.erasure, memberIdOf(ctx.viewer)!),
    cancelErasure: (_: unknown, __: unknown, ctx: IdentityContext) => cancelErasure(ctx.erasure, memberIdOf(ctx.viewer)!),
    recordPiiAccess: (_: unknown, args: Args<{ input: { entries: PiiAccessEntryInput[] } }>, ctx: IdentityContext) =>
      recordPiiAccess(ctx.piiAccess, args.input.entries),
  },
  Verification: {
    kind: (v: Verification) => v.level.toUpperCase(),
    status: (v: Verification, _: unknown, ctx: IdentityContext) => displayStatus(v, ctx.now()),
  },
  Notice: {
    kind: (n: NoticeRow) => n.kind.toUpperCase(),
  },
  NoticeConnection: {
    unreadCount: (c: { memberId: string }, _: unknown, ctx: IdentityContext) => ctx.loaders.unreadNotices.load(c.memberId),
  },
  PolicyVersion: {
    kind: (p: { kind: string }) => p.kind.toUpperCase(),
  },
  PolicyAcceptance: {
    channel: (a: PolicyAcceptanceRow) => a.channel.toUpperCase(),
    method: (a: PolicyAcceptanceRow) => a.method.toUpperCase(),
  },
  ConsentRecord: {
    purpose: (r: ConsentRecordRow) => PURPOSES[r.purpose],
    marketingChannel: (r: ConsentRecordRow) => r.marketingChannel?.toUpperCase() ?? null,
    category: (r: ConsentRecordRow) => r.piiCategory,
    channel: (r: ConsentRecordRow) => r.channel.toUpperCase(),
    method: (r: ConsentRecordRow) => r.method.toUpperCase(),
  },
  Consents: {
    policyAcceptances: (c: { memberId: string }, _: unknown, ctx: IdentityContext) => ctx.loaders.policyAcceptances.load(c.memberId),
    policiesToAccept: async (c: { memberId: string }, _: unknown, ctx: IdentityContext) => {
      const accepted = await ctx.loaders.policyAcceptances.load(c.memberId);
      return policiesToAccept(await ctx.loaders.currentPolicies(), new Set(accepted.map((a) => a.policyVersionId)));
    },
    partnerSharing: async (c: { memberId: string }, _: unknown, ctx: IdentityContext) =>
      partnerSharing(await ctx.loaders.consentsInForce.load(c.memberId)).map((r) => ({
        partnerId: r.partnerId,
        category: r.piiCategory,
        granted: r.granted,
        recordedAt: r.recordedAt,
      })),
    history: (c: { memberId: string }, _: unknown, ctx: IdentityContext) => ctx.loaders.consentHistory.load(c.memberId),
  },
  DataExport: {
    status: (row: DataExportRow, _: unknown, ctx: IdentityContext) => exportDisplayStatus(row, ctx.now()),
    downloadJson: (row: DataExportRow, _: unknown, ctx: IdentityContext) => downloadJson(ctx.dataExport, row),
  },
  ErasureRequest: {
    status: (r: ErasureRequestRow) => r.status.toUpperCase(),
  },
  JobRun: {
    status: (run: JobRunRow) => run.status.toUpperCase(),
    trigger: (run: JobRunRow) => run.trigger.toUpperCase(),
    result: (run: JobRunRow) => json(run.result),
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
    consents: (member: { id: string }) => ({ memberId: member.id }),
    inbox: async (member: { id: string }, args: Args<{ first?: number; after?: string; unreadOnly?: boolean | null }>, ctx: IdentityContext) => {
      const page = pageArgs(args);
      // The id goes into a uuid comparison; a forged cursor must be bad input, not a SQL error.
      if (page.after && !isUuid(page.after.id)) throw badInput('The cursor is not one this list gave out.', 'after');
      const connection = await ctx.loaders.inbox.load({ memberId: member.id, ...page, unreadOnly: args.unreadOnly ?? false });
      return { ...connection, memberId: member.id };
    },
    profileChanges: (member: { id: string }, _: unknown, ctx: IdentityContext) => ctx.loaders.profileChanges.load(member.id),
    marketingPreferences: async (member: { id: string }, _: unknown, ctx: IdentityContext) =>
      marketingPreferences(await ctx.loaders.consentsInForce.load(member.id)),
    dataExports: (member: { id: string }, _: unknown, ctx: IdentityContext) => ctx.loaders.dataExports.load(member.id),
    erasureRequest: (member: { id: string }, _: unknown, ctx: IdentityContext) => ctx.loaders.erasureRequest.load(member.id),
    piiAccessLog: (member: { id: string }, args: Args<{ first?: number; after?: string }>, ctx: IdentityContext) => {
      const page = pageArgs(args);
      // The id goes into a uuid comparison; a forged cursor must be bad input, not a SQL error.
      if (page.after && !isUuid(page.after.id)) throw badInput('The cursor is not one this list gave out.', 'after');
      return ctx.loaders.piiAccessLog.load({ memberId: member.id, ...page });
    },
  },
};
