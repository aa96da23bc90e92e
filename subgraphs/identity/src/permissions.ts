import { and, or, rule } from 'graphql-shield';
import { allow, isMember, isOwnerOrStaff, isService, isStaffWith, type FieldRules } from '@membership/subgraph';
import type { Viewer } from '@membership/viewer';
import type { IdentityContext } from './context.js';
import { partnerGrantsOf } from './resolvers/partners.js';

/** The gateway calling for itself; no other service writes the PII access log. */
const isGateway = rule('service:gateway', { cache: 'contextual' })(
  (_p, _a, ctx: { viewer: Viewer }) => ctx.viewer.kind === 'service' && ctx.viewer.service === 'gateway',
);

/** Any signed-in staff member, whatever their scopes. */
const isStaff = rule('staff:any', { cache: 'contextual' })((_p, _a, ctx: { viewer: Viewer }) => ctx.viewer.kind === 'staff');

/** A partner whose key the gateway admitted. */
const isPartner = rule('partner', { cache: 'contextual' })((_p, _a, ctx: { viewer: Viewer }) => ctx.viewer.kind === 'partner');

/**
 * The calling partner receives `category` of this member now (the member's consent, read
 * here too: the gateway also checks it, with the agreement, and logs the read).
 */
const partnerShares = (category: string) =>
  rule(`partner-shares:${category}`, { cache: 'no_cache' })(
    async (member: { id: string }, _a, ctx: IdentityContext) =>
      ctx.viewer.kind === 'partner' && (await partnerGrantsOf(ctx, member.id)).includes(category),
  );
const contact = or(isOwnerOrStaff('members:read'), partnerShares('CONTACT'));

/** Only the member an export belongs to reads its contents; staff scopes do not reach it. */
const isExportOwner = rule('data-export:owner', { cache: 'no_cache' })(
  (parent: { memberId: string }, _a, ctx: { viewer: Viewer }) => ctx.viewer.kind === 'member' && ctx.viewer.memberId === parent.memberId,
);

/** Who may call what in identity; anything not named here is refused. */
export const rules: FieldRules = {
  Query: {
    me: isMember,
    member: isStaffWith('members:read'),
    members: isStaffWith('members:read'),
    currentStaff: isStaff,
    roles: or(isStaffWith('staff:manage'), isStaffWith('audit:read')),
    verificationReviewQueue: isStaffWith('verification:review'),
    staffOperationLog: isStaffWith('audit:read'),
    jobRuns: isStaffWith('ops:read'),
    pendingStaffRoleGrants: isStaffWith('staff:manage'),
    sessionStatus: and(isService, isGateway),
    dataExport: isMember,
    currentPolicies: allow,
    partners: isStaffWith('partners:manage'),
    partnerMember: isPartner,
    partnerCaller: and(isService, isGateway),
    partnerConsentGrants: and(isService, isGateway),
    policyVersion: allow,
  },
  Mutation: {
    requestRegistrationCode: allow,
    register: allow,
    login: allow,
    // The refresh token is the credential: whoever holds it may renew or end its session.
    refreshSession: allow,
    logout: allow,
    changePassword: isMember,
    // Whoever knows the login may ask; the code sent to it is the credential for the reset.
    requestPasswordReset: allow,
    resetPassword: allow,
    // Staff prove themselves with their password here; the token comes out of these.
    staffLogin: allow,
    changeStaffPassword: allow,
    submitPrimaryVerification: isMember,
    submitAdvancedVerification: isMember,
    submitEnterpriseVerification: isMember,
    declineVerification: isMember,
    requestContactVerificationCode: isMember,
    verifyContact: isMember,
    approveVerification: isStaffWith('verification:review'),
    rejectVerification: isStaffWith('verification:review'),
    createStaff: isStaffWith('staff:manage'),
    setStaffRoles: isStaffWith('staff:manage'),
    approveStaffRoleGrant: isStaffWith('staff:manage'),
    rejectStaffRoleGrant: isStaffWith('staff:manage'),
    disableStaff: isStaffWith('staff:manage'),
    requestErasure: isMember,
    requestDataExport: isMember,
    publishPolicyVersion: isStaffWith('policy:publish'),
    acceptPolicy: isMember,
    updateProfile: isMember,
    markNoticeRead: isMember,
    setLanguage: isMember,
    updateServiceMessages: isMember,
    updateMarketingPreferences: isMember,
    grantPartnerConsent: isMember,
    revokePartnerConsent: isMember,
    cancelErasure: isMember,
    recordPiiAccess: and(isService, isGateway),
    registerPartner: isStaffWith('partners:manage'),
    issuePartnerApiKey: isStaffWith('partners:manage'),
    rotatePartnerApiKey: isStaffWith('partners:manage'),
    revokePartnerApiKey: isStaffWith('partners:manage'),
  },
  Member: {
    // Contact fields are also guarded per category at the gateway (PII rules); here a
    // second line: only the owner or staff who may read members get them at all.
    email: contact,
    phone: contact,
    emailVerifiedAt: isOwnerOrStaff('members:read'),
    phoneVerifiedAt: isOwnerOrStaff('members:read'),
    piiAccessLog: isOwnerOrStaff('audit:read'),
    verificationLevel: isOwnerOrStaff('members:read'),
    verificationExpiresAt: isOwnerOrStaff('members:read'),
    verifications: isOwnerOrStaff('verification:review'),
    erasureRequest: isOwnerOrStaff('members:read'),
    erasedAt: isOwnerOrStaff('members:read'),
    dataExports: isOwnerOrStaff('members:read'),
    consents: isOwnerOrStaff('members:read'),
    marketingPreferences: isOwnerOrStaff('members:read'),
    language: isOwnerOrStaff('members:read'),
    serviceMessages: isOwnerOrStaff('members:read'),
    profileChanges: isOwnerOrStaff('audit:read'),
    inbox: isOwnerOrStaff('members:read'),
    // The category rule (here in the resolvers and at the gateway) still applies on top.
    birthday: isOwnerOrStaff('members:read'),
    gender: isOwnerOrStaff('members:read'),
    address: isOwnerOrStaff('members:read'),
    interests: isOwnerOrStaff('members:read'),
    memberType: isOwnerOrStaff('members:read'),
    profileCompletedAt: isOwnerOrStaff('members:read'),
    verificationRefused: isOwnerOrStaff('members:read'),
    enterpriseVerification: isOwnerOrStaff('members:read'),
  },
  DataExport: {
    downloadJson: isExportOwner,
  },
};
