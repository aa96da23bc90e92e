import { and, rule } from 'graphql-shield';
import { allow, isOwnerOrStaff, isService, type BaseSubgraphContext, type FieldRules } from '@membership/subgraph';

/** Identity calling for itself (its data-export job); no other service, member or staff. */
const isIdentity = rule('service:identity', { cache: 'contextual' })(
  (_p, _a, ctx: BaseSubgraphContext) => ctx.viewer.kind === 'service' && ctx.viewer.service === 'identity',
);

/** Who may call what in tiers; anything not named here is refused. */
export const rules: FieldRules = {
  Query: {
    // The ladder is marketing: anyone, signed in or not, may read the published tiers.
    tiers: allow,
    memberDataExport: and(isService, isIdentity),
  },
  Member: {
    tier: isOwnerOrStaff('tiers:read'),
    tierSince: isOwnerOrStaff('tiers:read'),
  },
};
