import { and, rule } from 'graphql-shield';
import {
  allow,
  isAuthenticated,
  isMember,
  isOwnerOrStaff,
  isService,
  isServiceNamed,
  isStaffWith,
  or,
  type BaseSubgraphContext,
  type FieldRules,
} from '@membership/subgraph';

/** Identity calling for itself (its data-export job); no other service, member or staff. */
const isIdentity = rule('service:identity', { cache: 'contextual' })(
  (_p, _a, ctx: BaseSubgraphContext) => ctx.viewer.kind === 'service' && ctx.viewer.service === 'identity',
);

/** Who may read what in points; anything not named here is refused. */
export const rules: FieldRules = {
  Query: {
    memberDataExport: and(isService, isIdentity),
    // The programme's rules, campaigns, store and lotteries are public.
    earningRules: allow,
    pointsCampaigns: allow,
    storeItems: allow,
    lotteries: allow,
    lottery: allow,
    // Names members chose to show, to anyone signed in.
    pointsLeaderboard: isAuthenticated,
    pointsStaffOperations: isStaffWith('audit:read'),
    redemptionsToFulfil: isStaffWith('points:manage'),
  },
  Mutation: {
    checkIn: isMember,
    redeemStoreItem: isMember,
    enterLottery: isMember,
    shareProduct: isMember,
    fulfilRedemption: isStaffWith('points:manage'),
    // A member only their own (the domain finds no one else's); staff any.
    cancelRedemption: or(isMember, isStaffWith('points:manage')),
    recordReferral: isMember,
    setLeaderboardName: isMember,
    scheduleEarningRuleChange: isStaffWith('points:manage'),
    createPointsCampaign: isStaffWith('points:manage'),
    createStoreItem: isStaffWith('points:manage'),
    createLottery: isStaffWith('points:manage'),
    grantPoints: isStaffWith('points:grant'),
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
