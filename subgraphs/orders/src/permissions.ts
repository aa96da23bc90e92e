import { and, rule } from 'graphql-shield';
import { isMember, isOwnerOrStaff, isService, isStaffWith, type BaseSubgraphContext, type FieldRules, or } from '@membership/subgraph';
import { isIdentityService, ORDERS_READ } from './domain/access.js';

/** Identity calling for itself (its data-export job); no other service, member or staff. */
const isIdentity = rule('service:identity', { cache: 'contextual' })((_p, _a, ctx: BaseSubgraphContext) => isIdentityService(ctx.viewer));

/** Who may call what in orders; anything not named here is refused. */
export const rules: FieldRules = {
  Query: {
    // Whose order it is is decided by the repository's scope: a member asking for
    // someone else's order gets NOT_FOUND, never the order.
    order: or(isMember, isStaffWith(ORDERS_READ)),
    memberDataExport: and(isService, isIdentity),
  },
  Member: {
    orders: isOwnerOrStaff(ORDERS_READ),
  },
};
