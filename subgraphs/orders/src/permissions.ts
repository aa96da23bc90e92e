import { and, rule } from 'graphql-shield';
import {
  allow,
  isMember,
  isOwnerOrStaff,
  isService,
  isStaffWith,
  type BaseSubgraphContext,
  type FieldRules,
  or,
} from '@membership/subgraph';
import { isIdentityService, ORDERS_READ, ORDERS_REFUND, ORDERS_WRITE, RISK_REVIEW } from './domain/access.js';

/** Identity calling for itself (its data-export job); no other service, member or staff. */
const isIdentity = rule('service:identity', { cache: 'contextual' })((_p, _a, ctx: BaseSubgraphContext) => isIdentityService(ctx.viewer));

/** Who may call what in orders; anything not named here is refused. */
export const rules: FieldRules = {
  Query: {
    // Whose order it is is decided by the repository's scope: a member asking for
    // someone else's order gets NOT_FOUND, never the order.
    order: or(isMember, isStaffWith(ORDERS_READ)),
    refundRequests: isStaffWith(ORDERS_REFUND),
    riskFlags: isStaffWith(RISK_REVIEW),
    memberDataExport: and(isService, isIdentity),
  },
  Mutation: {
    // A member acts on their own orders only: the repository's scope finds no one else's.
    placeOrder: isMember,
    payOrder: isMember,
    cancelOrder: isMember,
    requestRefund: isMember,
    requestInvoice: isMember,
    reviewOrder: isMember,
    recordOfflinePayment: isStaffWith(ORDERS_WRITE),
    advanceOrder: isStaffWith(ORDERS_WRITE),
    approveRefund: isStaffWith(ORDERS_REFUND),
    rejectRefund: isStaffWith(ORDERS_REFUND),
    decideRiskFlag: isStaffWith(RISK_REVIEW),
    // The payment provider has no account with us: its signature (checked first thing) is its proof.
    paymentCallback: allow,
  },
  Member: {
    orders: isOwnerOrStaff(ORDERS_READ),
  },
};
