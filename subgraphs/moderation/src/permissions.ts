import { and, rule } from 'graphql-shield';
import { isMember, isOwnerOrStaff, isService, isStaffWith, or, type BaseSubgraphContext, type FieldRules } from '@membership/subgraph';

/** Identity calling for itself (its data-export job); no other service, member or staff. */
const isIdentity = rule('service:identity', { cache: 'contextual' })(
  (_p, _a, ctx: BaseSubgraphContext) => ctx.viewer.kind === 'service' && ctx.viewer.service === 'identity',
);

const MODERATION_READ = isStaffWith('moderation:read');
const MODERATION_WRITE = isStaffWith('moderation:write');
const COMPLAINTS_READ = isStaffWith('complaints:read');
const COMPLAINTS_WRITE = isStaffWith('complaints:write');

/** Who may call what in moderation; anything not named here is refused. */
export const rules: FieldRules = {
  Query: {
    memberDataExport: and(isService, isIdentity),
    reportQueue: MODERATION_READ,
    myReports: isMember,
    appealQueue: MODERATION_READ,
    myComplaints: isMember,
    // Whose complaint it is, the repository's scope decides: someone else's is NOT_FOUND.
    complaint: or(isMember, COMPLAINTS_READ),
    complaintQueue: COMPLAINTS_READ,
    complaintStats: COMPLAINTS_READ,
    moderationOperationLog: isStaffWith('audit:read'),
  },
  Mutation: {
    reportMember: or(isMember, MODERATION_WRITE),
    dismissReport: MODERATION_WRITE,
    recordViolation: MODERATION_WRITE,
    appealSanction: isMember,
    decideAppeal: MODERATION_WRITE,
    liftSanction: MODERATION_WRITE,
    fileComplaint: isMember,
    rateComplaint: isMember,
    addComplaintMessage: isMember,
    recordComplaint: COMPLAINTS_WRITE,
    assignComplaint: COMPLAINTS_WRITE,
    answerComplaint: COMPLAINTS_WRITE,
    resolveComplaint: COMPLAINTS_WRITE,
  },
  Member: {
    // Sanctions are between the member and the programme: nobody else sees them.
    standing: isOwnerOrStaff('moderation:read'),
  },
  Report: {
    // Who reported is for moderation staff only; the reported member never reaches a Report.
    submissions: MODERATION_READ,
  },
};
