import { and, rule } from 'graphql-shield';
import { allow, isOwnerOrStaff, isService, isStaffWith, or, type BaseSubgraphContext, type FieldRules } from '@membership/subgraph';

/** Identity calling for itself (its data-export job); no other service, member or staff. */
const isIdentity = rule('service:identity', { cache: 'contextual' })(
  (_p, _a, ctx: BaseSubgraphContext) => ctx.viewer.kind === 'service' && ctx.viewer.service === 'identity',
);

/** Who may call what in tiers; anything not named here is refused. */
export const rules: FieldRules = {
  Query: {
    // The ladder and its benefits are marketing: anyone, signed in or not, may read the published tiers.
    tiers: allow,
    memberDataExport: and(isService, isIdentity),
    benefitChanges: or(isStaffWith('tiers:read'), isStaffWith('tiers:manage')),
    tierRuleVersions: or(isStaffWith('tiers:read'), isStaffWith('tiers:manage')),
    tierStaffOperations: isStaffWith('audit:read'),
  },
  Mutation: {
    scheduleBenefitChange: isStaffWith('tiers:manage'),
    createTierRuleVersion: isStaffWith('tiers:manage'),
  },
  Member: {
    tier: isOwnerOrStaff('tiers:read'),
    tierSince: isOwnerOrStaff('tiers:read'),
    tierStatus: isOwnerOrStaff('tiers:read'),
    benefits: isOwnerOrStaff('tiers:read'),
  },
};
