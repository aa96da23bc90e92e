import { DateTime, badInput, notFound, pageArgs, toConnection } from '@membership/subgraph';
import { decideAccess, maskValue, memberIdOf, type PiiMask } from '@membership/viewer';
import type { IdentityContext } from '../context.js';
import {
  changePassword,
  login,
  logout,
  refreshSession,
  requestPasswordReset,
  requestRegistrationCode,
  resetPassword,
} from '../domain/accounts.js';
import { registerAccepting } from '../domain/sign-up.js';
import { isUuid, recordPiiAccess } from '../domain/pii-access-log.js';
import type { JobRunRow } from '@membership/jobs';
import {
  approveVerification,
  declineVerification,
  rejectVerification,
  requireNotRestricted,
  reviewQueue,
  submitAdvancedVerification,
  submitEnterpriseVerification,
  submitPrimaryVerification,
} from '../domain/verification.js';
import type { RejectionKind } from '../domain/refusals.js';
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
import {
  marketingPreferences,
  partnerSharing,
  policiesToAccept,
  type CaptureChannel,
  type CaptureMethod,
  type PolicyKind,
} from '../domain/consent-rules.js';
import { updateProfile } from '../domain/profile.js';
import { requestContactVerificationCode, verifyContact } from '../domain/contact-verification.js';
import type { MemberType as MemberTypeValue } from '../domain/profile-fields.js';
import { setLanguage, updateServiceMessages } from '../domain/preferences.js';
import { apiLanguage, asLanguage, fromApiLanguage, hasMessage, translate } from '../messages/index.js';
import { partnerResolvers } from './partners.js';
import type { Member, StaffOperationRow, StaffRoleGrant, Verification } from '../domain/records.js';
import { sessionStatus } from '../domain/session-check.js';
import { displayStatus } from '../domain/verification-rules.js';
import {
  changeStaffPassword,
  createStaff,
  decideStaffRoleGrant,
  disableStaff,
  setStaffRoles,
  staffById,
  staffLogin,
  type Actor,
} from '../domain/staff.js';
import type {
  ConsentChannel,
  ConsentMethod,
  ConsentPurpose,
  ContactChannel,
  ErasureStatus,
  Gender,
  Interest,
  JobRunStatus,
  JobRunTrigger,
  MarketingChannel,
  MemberType as MemberTypeEnum,
  NoticeKind,
  PiiCategory,
  PolicyKind as PolicyKindEnum,
  Resolvers,
  VerificationKind,
  VerificationLevel as VerificationLevelEnum,
  VerificationRejectionKind,
} from '../generated/resolvers-types.js';

const cursorOf = (m: Member) => ({ at: m.registeredAt, id: m.id });
const verificationCursor = (v: Verification) => ({ at: v.submittedAt, id: v.id });
const checkId = (id: string, field = 'id') => {
  if (!isUuid(id)) throw badInput(`${field} is not an id this API gave out.`, field);
  return id;
};
const operationCursor = (op: StaffOperationRow) => ({ at: op.occurredAt, id: op.id });
const jobRunCursor = (run: JobRunRow) => ({ at: run.startedAt, id: run.id });
const json = (value: unknown) => (value === null || value === undefined ? null : JSON.stringify(value));

// Enum values are the stored lower-case words upper-cased; the SDL lists the same words.
const lower = <T extends string>(value: string) => value.toLowerCase() as T;
const upper = <T extends string>(value: string) => value.toUpperCase() as T;
const capture = (args: { channel?: string | null; method?: string | null }) => ({
  channel: lower<CaptureChannel>(args.channel ?? 'WEB'),
  method: lower<CaptureMethod>(args.method ?? 'CHECKBOX'),
});
const PURPOSES: Record<string, ConsentPurpose> = {
  marketing: 'MARKETING',
  personalisation: 'PERSONALISED_RECOMMENDATIONS',
  partner_sharing: 'PARTNER_SHARING',
};

/**
 * A value of one of identity's @pii fields, under the gateway's own category rule (shared
 * through @membership/viewer): its owner in full; staff with the category's pii:* scope and
 * an accepted purpose in the signed viewer, in full or masked; anyone else null. The gateway
 * still masks, logs and reports the denial; this holds even for a caller that bypasses it.
 */
async function piiValue(
  ctx: IdentityContext,
  category: string,
  mask: PiiMask,
  ownerId: string,
  value: string | null,
): Promise<string | null> {
  if (value === null) return null;
  const level = await piiAccessLevel(ctx, category, ownerId);
  if (level === 'denied') return null;
  return level === 'masked' ? (maskValue(mask, value) as string) : value;
}

/**
 * A structured @pii value (an address, a list of interests, an enum): in full or not at all,
 * since a masked enum or object would not be a value of its type.
 */
async function piiWhole<T>(ctx: IdentityContext, category: string, ownerId: string, value: T | null): Promise<T | null> {
  if (value === null) return null;
  const level = await piiAccessLevel(ctx, category, ownerId);
  return level === 'owner' || level === 'full' ? value : null;
}

async function piiAccessLevel(ctx: IdentityContext, category: string, ownerId: string): Promise<'owner' | 'full' | 'masked' | 'denied'> {
  // A partner: the member's consent from identity's own records (the agreement is in the signed viewer).
  const consented =
    ctx.viewer.kind === 'partner' &&
    (await ctx.loaders.partnerConsentCategories.load({ partnerId: ctx.viewer.partnerId, memberId: ownerId })).has(category);
  return decideAccess(ctx.viewer, category, ownerId, { ...ctx.piiPolicy, partnerConsent: () => consented }).level;
}

/** The staff member acting; permissions let only staff reach the fields that call it. */
function actor(ctx: IdentityContext): Actor {
  if (ctx.viewer.kind !== 'staff') throw new Error('staff operation reached without a staff viewer');
  return { kind: 'staff', id: ctx.viewer.staffId };
}

export const resolvers: Resolvers = {
  DateTime,
  ...partnerResolvers,
  Query: {
    ...partnerResolvers.Query,
    me: (_, __, ctx) => (ctx.viewer.kind === 'member' ? ctx.loaders.memberById.load(ctx.viewer.memberId) : null),
    member: (_, args, ctx) => ctx.loaders.memberById.load(args.id),
    members: async (_, args, ctx) => {
      const { first, after } = pageArgs(args);
      const rows = await ctx.stores.members.page(first, after);
      for (const row of rows) ctx.loaders.memberById.prime(row.id, row);
      return toConnection(rows, first, cursorOf);
    },
    currentStaff: async (_, __, ctx) => (ctx.viewer.kind === 'staff' ? ((await staffById(ctx.staff, ctx.viewer.staffId)) ?? null) : null),
    roles: (_, __, ctx) => ctx.stores.staff.roles(),
    verificationReviewQueue: async (_, args, ctx) => {
      const { first, after } = pageArgs(args);
      return toConnection(await reviewQueue(ctx.verification, first, after), first, verificationCursor);
    },
    currentPolicies: (_, __, ctx) => ctx.loaders.currentPolicies(),
    policyVersion: async (_, args, ctx) => (await ctx.stores.consents.policy(lower<PolicyKind>(args.kind), args.version.trim())) ?? null,
    dataExport: (_, args, ctx) => dataExportOf(ctx.dataExport, memberIdOf(ctx.viewer)!, checkId(args.id)),
    staffOperationLog: async (_, args, ctx) => {
      const { first, after } = pageArgs(args);
      return toConnection(await ctx.stores.operations.page(first, after), first, operationCursor);
    },
    jobRuns: async (_, args, ctx) => {
      const { first, after } = pageArgs(args);
      return toConnection(await ctx.jobRuns.page({ job: args.job }, first, after), first, jobRunCursor);
    },
    pendingStaffRoleGrants: (_, __, ctx) => ctx.stores.staff.allPendingGrants(),
    sessionStatus: async (_, args, ctx) => {
      if (args.kind !== 'member' && args.kind !== 'staff') throw badInput('kind is member or staff.', 'kind');
      const verdict = await sessionStatus(ctx.sessionCheck, { kind: args.kind, subject: args.subject, session: args.session });
      return { valid: verdict.valid, reason: verdict.valid ? null : verdict.reason };
    },
  },
  Mutation: {
    ...partnerResolvers.Mutation,
    requestRegistrationCode: async (_, args, ctx) => {
      const { language, ...contact } = args.input;
      const sent = await requestRegistrationCode(
        ctx.accounts,
        { ...contact, language: language ? fromApiLanguage(language) : null },
        ctx.clientAddress,
      );
      return { ...sent, channel: upper<ContactChannel>(sent.channel) };
    },
    register: (_, args, ctx) => {
      const { acceptedPolicies, consentChannel, consentMethod, language, ...account } = args.input;
      const accepted = (acceptedPolicies ?? []).map((p) => ({ kind: lower<PolicyKind>(p.kind), version: p.version }));
      return registerAccepting(
        { ...ctx.accounts, consents: ctx.stores.consents },
        { ...account, language: language ? fromApiLanguage(language) : null, acceptedPolicies: accepted, id: undefined },
        capture({ channel: consentChannel, method: consentMethod }),
      );
    },
    login: (_, args, ctx) => login(ctx.accounts, args.input),
    refreshSession: (_, args, ctx) => refreshSession(ctx.accounts, args.refreshToken),
    logout: (_, args, ctx) => logout(ctx.accounts, args.refreshToken),
    changePassword: (_, args, ctx) => changePassword(ctx.accounts, memberIdOf(ctx.viewer)!, args),
    requestPasswordReset: async (_, args, ctx) => {
      const sent = await requestPasswordReset(ctx.accounts, args.login, ctx.clientAddress);
      return { ...sent, channel: upper<ContactChannel>(sent.channel) };
    },
    resetPassword: (_, args, ctx) => resetPassword(ctx.accounts, args),
    submitPrimaryVerification: (_, args, ctx) => submitPrimaryVerification(ctx.verification, memberIdOf(ctx.viewer)!, args.input),
    submitAdvancedVerification: (_, args, ctx) => submitAdvancedVerification(ctx.verification, memberIdOf(ctx.viewer)!, args.input),
    approveVerification: (_, args, ctx) => approveVerification(ctx.verification, actor(ctx), checkId(args.id), args.reason, ctx.requestId),
    rejectVerification: (_, args, ctx) =>
      rejectVerification(
        ctx.verification,
        actor(ctx),
        checkId(args.id),
        args.reason,
        ctx.requestId,
        lower<RejectionKind>(args.kind ?? 'INSUFFICIENT'),
      ),
    requestContactVerificationCode: async (_, args, ctx) => {
      const sent = await requestContactVerificationCode(
        ctx.accounts,
        memberIdOf(ctx.viewer)!,
        lower<'email' | 'phone'>(args.channel),
        ctx.clientAddress,
      );
      return { ...sent, channel: upper<ContactChannel>(sent.channel) };
    },
    verifyContact: (_, args, ctx) =>
      verifyContact(ctx.accounts, memberIdOf(ctx.viewer)!, lower<'email' | 'phone'>(args.channel), args.code),
    declineVerification: async (_, __, ctx) => {
      const memberId = memberIdOf(ctx.viewer)!;
      await declineVerification(ctx.verification, memberId);
      return (await ctx.loaders.memberById.load(memberId))!;
    },
    submitEnterpriseVerification: async (_, args, ctx) => {
      const member = await ctx.loaders.memberById.load(memberIdOf(ctx.viewer)!);
      if (!member || member.erasedAt) throw notFound('Your account was not found.');
      return submitEnterpriseVerification(ctx.verification, { id: member.id, memberType: member.profile.memberType }, args.input);
    },
    staffLogin: (_, args, ctx) => staffLogin(ctx.staff, args),
    changeStaffPassword: (_, args, ctx) => changeStaffPassword(ctx.staff, args, ctx.requestId),
    createStaff: (_, args, ctx) => createStaff(ctx.staff, actor(ctx), args.input, ctx.requestId),
    setStaffRoles: (_, args, ctx) => {
      checkId(args.staffId, 'staffId');
      return setStaffRoles(ctx.staff, actor(ctx), args, ctx.requestId);
    },
    approveStaffRoleGrant: (_, args, ctx) =>
      decideStaffRoleGrant(ctx.staff, actor(ctx), { grantId: checkId(args.id), approve: true, reason: args.reason }, ctx.requestId),
    rejectStaffRoleGrant: (_, args, ctx) =>
      decideStaffRoleGrant(ctx.staff, actor(ctx), { grantId: checkId(args.id), approve: false, reason: args.reason }, ctx.requestId),
    disableStaff: (_, args, ctx) =>
      disableStaff(ctx.staff, actor(ctx), { staffId: checkId(args.staffId, 'staffId'), reason: args.reason }, ctx.requestId),
    markNoticeRead: async (_, args, ctx) => {
      const notice = await ctx.stores.inbox.markRead(checkId(args.id), memberIdOf(ctx.viewer)!, ctx.now());
      if (!notice) throw notFound('There is no notice with this id in your inbox.');
      return notice;
    },
    updateProfile: (_, args, ctx) => {
      const { gender, interests, memberType, ...rest } = args;
      const input = {
        ...rest,
        ...(gender !== undefined && { gender: gender === null ? null : lower<string>(gender) }),
        ...(interests !== undefined && { interests: interests === null ? null : interests.map((i) => lower<string>(i)) }),
        ...(memberType !== undefined && memberType !== null && { memberType: lower<MemberTypeValue>(memberType) }),
      };
      return updateProfile(ctx.accounts, memberIdOf(ctx.viewer)!, input, ctx.requestId);
    },
    setLanguage: (_, args, ctx) => setLanguage(ctx.accounts, memberIdOf(ctx.viewer)!, fromApiLanguage(args.language)),
    updateServiceMessages: (_, args, ctx) => updateServiceMessages(ctx.accounts, memberIdOf(ctx.viewer)!, args.email),
    publishPolicyVersion: (_, args, ctx) =>
      publishPolicyVersion(ctx.consents, actor(ctx), { ...args.input, kind: lower<PolicyKind>(args.input.kind) }, ctx.requestId),
    acceptPolicy: (_, args, ctx) =>
      acceptPolicy(ctx.consents, memberIdOf(ctx.viewer)!, { kind: lower<PolicyKind>(args.kind), version: args.version }, capture(args)),
    updateMarketingPreferences: (_, args, ctx) =>
      updateMarketingPreferences(ctx.consents, memberIdOf(ctx.viewer)!, args.input, capture(args.input)),
    grantPartnerConsent: async (_, args, ctx) => {
      await requireNotRestricted(ctx.verification, memberIdOf(ctx.viewer)!, 'partner_sharing');
      return grantPartnerConsent(ctx.consents, memberIdOf(ctx.viewer)!, { ...args, expiresAt: args.expiresAt ?? null }, capture(args));
    },
    revokePartnerConsent: (_, args, ctx) => revokePartnerConsent(ctx.consents, memberIdOf(ctx.viewer)!, args, capture(args)),
    requestDataExport: (_, __, ctx) => requestDataExport(ctx.dataExport, memberIdOf(ctx.viewer)!),
    requestErasure: (_, __, ctx) => requestErasure(ctx.erasure, memberIdOf(ctx.viewer)!),
    cancelErasure: (_, __, ctx) => cancelErasure(ctx.erasure, memberIdOf(ctx.viewer)!),
    recordPiiAccess: (_, args, ctx) => recordPiiAccess(ctx.piiAccess, args.input.entries),
  },
  StaffMember: {
    pendingRoleGrant: async (staff, _, ctx) =>
      'pendingRoleGrant' in staff
        ? (staff.pendingRoleGrant as StaffRoleGrant | null)
        : ((await ctx.stores.staff.pendingGrants([staff.id])).get(staff.id) ?? null),
  },
  StaffRoleGrant: {
    scopes: (grant) => grant.sensitiveScopes,
  },
  Verification: {
    kind: (v) => upper<VerificationKind>(v.level),
    status: (v, _, ctx) => displayStatus(v, ctx.now()),
    realName: (v, _, ctx) => piiValue(ctx, 'IDENTITY', 'NAME', v.memberId, v.realName),
    idNumber: (v, _, ctx) => piiValue(ctx, 'IDENTITY', 'ID_NUMBER', v.memberId, v.idNumber),
    documentImageRef: (v, _, ctx) => piiValue(ctx, 'IDENTITY', 'REDACT', v.memberId, v.documentImageRef),
    faceImageRef: (v, _, ctx) => piiValue(ctx, 'IDENTITY', 'REDACT', v.memberId, v.faceImageRef),
    companyName: (v, _, ctx) => piiValue(ctx, 'IDENTITY', 'NAME', v.memberId, v.companyName),
    creditCode: (v, _, ctx) => piiValue(ctx, 'IDENTITY', 'ID_NUMBER', v.memberId, v.creditCode),
    licenceDocumentRef: (v, _, ctx) => piiValue(ctx, 'IDENTITY', 'REDACT', v.memberId, v.licenceDocumentRef),
    rejectionKind: (v) => (v.rejectionKind ? upper<VerificationRejectionKind>(v.rejectionKind) : null),
  },
  Notice: {
    kind: (n) => upper<NoticeKind>(n.kind),
  },
  NoticeConnection: {
    unreadCount: (c, _, ctx) => ctx.loaders.unreadNotices.load(c.memberId),
  },
  PolicyVersion: {
    kind: (p) => upper<PolicyKindEnum>(p.kind),
    effectiveAt: (p) => p.effectiveAt ?? p.publishedAt,
  },
  PolicyAcceptance: {
    channel: (a) => upper<ConsentChannel>(a.channel),
    method: (a) => upper<ConsentMethod>(a.method),
  },
  ConsentRecord: {
    purpose: (r) => PURPOSES[r.purpose]!,
    marketingChannel: (r) => (r.marketingChannel ? upper<MarketingChannel>(r.marketingChannel) : null),
    category: (r) => r.piiCategory as PiiCategory | null,
    channel: (r) => upper<ConsentChannel>(r.channel),
    method: (r) => upper<ConsentMethod>(r.method),
  },
  Consents: {
    policyAcceptances: (c, _, ctx) => ctx.loaders.policyAcceptances.load(c.memberId),
    policiesToAccept: async (c, _, ctx) => {
      const accepted = await ctx.loaders.policyAcceptances.load(c.memberId);
      return policiesToAccept(await ctx.loaders.currentPolicies(), new Set(accepted.map((a) => a.policyVersionId)));
    },
    partnerSharing: async (c, _, ctx) =>
      partnerSharing(await ctx.loaders.consentsInForce.load(c.memberId), ctx.now()).map((r) => ({
        partnerId: r.partnerId!,
        category: r.piiCategory!,
        granted: r.granted,
        recordedAt: r.recordedAt,
        expiresAt: r.expiresAt ?? null,
      })),
    history: (c, _, ctx) => ctx.loaders.consentHistory.load(c.memberId),
  },
  DataExport: {
    status: (row, _, ctx) => exportDisplayStatus(row, ctx.now()),
    downloadJson: (row, _, ctx) => downloadJson(ctx.dataExport, row),
  },
  ErasureRequest: {
    status: (r) => upper<ErasureStatus>(r.status),
  },
  JobRun: {
    status: (run) => upper<JobRunStatus>(run.status),
    trigger: (run) => upper<JobRunTrigger>(run.trigger),
    result: (run) => json(run.result),
  },
  StaffOperation: {
    before: (op) => json(op.before),
    after: (op) => json(op.after),
  },
  Member: {
    __resolveReference: (ref, ctx) => ctx.loaders.memberById.load(ref.id),
    email: (member, _, ctx) => piiValue(ctx, 'CONTACT', 'EMAIL', member.id, member.email),
    phone: (member, _, ctx) => piiValue(ctx, 'CONTACT', 'PHONE', member.id, member.phone),
    birthday: (member, _, ctx) => piiValue(ctx, 'IDENTITY', 'REDACT', member.id, member.profile.birthday),
    gender: async (member, _, ctx) => {
      const gender = await piiWhole(ctx, 'IDENTITY', member.id, member.profile.gender);
      return gender === null ? null : upper<Gender>(gender);
    },
    address: (member, _, ctx) => piiWhole(ctx, 'LOCATION', member.id, member.profile.address),
    interests: async (member, _, ctx) => {
      if (member.erasedAt) return null;
      const interests = await piiWhole(ctx, 'BEHAVIOUR', member.id, member.profile.interests);
      return interests === null ? null : interests.map((i) => upper<Interest>(i));
    },
    memberType: async (member, _, ctx) => {
      const type = await piiWhole(ctx, 'IDENTITY', member.id, member.profile.memberType);
      return type === null ? null : upper<MemberTypeEnum>(type);
    },
    profileCompletedAt: (member) => member.profile.completedAt,
    verificationRefused: (member, _, ctx) => ctx.loaders.verificationRefused.load(member.id),
    enterpriseVerification: async (member, _, ctx) => {
      // An individual (or one who switched back) holds no enterprise features, whatever was approved before.
      if (member.profile.memberType !== 'enterprise') return null;
      return piiWhole(ctx, 'IDENTITY', member.id, await ctx.loaders.enterpriseVerification.load(member.id));
    },
    verificationLevel: async (member, _, ctx) => upper<VerificationLevelEnum>((await ctx.loaders.verificationLevel.load(member.id)).level),
    verificationExpiresAt: async (member, _, ctx) => (await ctx.loaders.verificationLevel.load(member.id)).expiresAt,
    verifications: (member, _, ctx) => ctx.loaders.verifications.load(member.id),
    consents: (member) => ({ memberId: member.id }),
    language: (member) => apiLanguage(member.language),
    serviceMessages: (member) => ({ email: member.serviceEmails }),
    card: async (member, _, ctx) => {
      if (member.erasedAt) return null;
      await requireNotRestricted(ctx.verification, member.id, 'card');
      const [card, tier] = await Promise.all([ctx.production.cards.load(member.id), ctx.production.tiers.load(member.id)]);
      if (!card) return null;
      const qrPayload = await ctx.production.cardSigner.sign(card.number, ctx.now(), ctx.production.cardTtlSeconds);
      const language = asLanguage(member.language);
      // The tier's name as the card prints it, in the member's language (a code the catalogue lacks shows as itself).
      const tierName = tier
        ? hasMessage(`tier.${tier}`)
          ? translate(language, `tier.${tier}`)
          : tier
        : translate(language, 'card.no_tier');
      return { number: card.number, tier, tierName, issuedAt: card.issuedAt, qrPayload };
    },
    inbox: async (member, args, ctx) => {
      const page = pageArgs(args);
      // The id goes into a uuid comparison; a forged cursor must be bad input, not a SQL error.
      if (page.after && !isUuid(page.after.id)) throw badInput('The cursor is not one this list gave out.', 'after');
      const connection = await ctx.loaders.inbox.load({ memberId: member.id, ...page, unreadOnly: args.unreadOnly ?? false });
      return { ...connection, memberId: member.id };
    },
    profileChanges: (member, _, ctx) => ctx.loaders.profileChanges.load(member.id),
    marketingPreferences: async (member, _, ctx) => marketingPreferences(await ctx.loaders.consentsInForce.load(member.id)),
    dataExports: (member, _, ctx) => ctx.loaders.dataExports.load(member.id),
    erasureRequest: (member, _, ctx) => ctx.loaders.erasureRequest.load(member.id),
    piiAccessLog: (member, args, ctx) => {
      const page = pageArgs(args);
      // The id goes into a uuid comparison; a forged cursor must be bad input, not a SQL error.
      if (page.after && !isUuid(page.after.id)) throw badInput('The cursor is not one this list gave out.', 'after');
      return ctx.loaders.piiAccessLog.load({ memberId: member.id, ...page });
    },
  },
};
