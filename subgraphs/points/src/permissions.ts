import { and, rule } from 'graphql-shield';
import { isOwnerOrStaff, isService, isServiceNamed, isStaffWith, type BaseSubgraphContext, type FieldRules } from '@membership/subgraph';

/** Identity calling for itself (its data-export job); no other service, member or staff. */
const isIdentity = rule('service:identity', { cache: 'contextual' })(
  (_p, _a, ctx: BaseSubgraphContext) => ctx.viewer.kind === 'service' && ctx.viewer.service === 'identity',
);

/** Who may read what in points; anything not named here is refused. */
export const rules: FieldRules = {
  Query: {
    memberDataExport: and(isService, isIdentity),
  },
  Mutation: {
    // Only orders' own key: no member, staff or other service can reserve points this way.
    holdPointsForOrder: isServiceNamed('orders'),
    adjustPoints: isStaffWith('points:adjust'),
  },
  Member: {
    // A member reads only their own points; staff need points:read.
    pointsBalance: isOwnerOrStaff('points:read'),
    pointsHistory: isOwnerOrStaff('points:read'),
    pendingPoints: isOwnerOrStaff('points:read'),
    pointsDebt: isOwnerOrStaff('points:read'),
    pointsExpiringSoon: isOwnerOrStaff('points:read'),
  },
};
