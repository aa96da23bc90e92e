import { DateTime, badInput, pageArgs, toConnection, unauthenticated } from '@membership/subgraph';
import { createCampaign, createItem, createLottery, grantPoints, scheduleRuleChange } from '../domain/admin.js';
import { dailyCheckIn, recordReferral } from '../domain/activity.js';
import type { LedgerEntry } from '../domain/ledger.js';
import { exportMemberId, pointsExport } from '../domain/export.js';
import { currencyArg, idArg, keyArg } from '../domain/input.js';
import { holdPointsForOrder } from '../domain/orders.js';
import { programmeRules, rulesInForce, type RuleCode } from '../domain/rules.js';
import { cancelRedemption, enterLottery, fulfilRedemption, redeemItem } from '../domain/spending.js';
import { shareProduct } from '../domain/tasks.js';
import { adjustPoints } from '../domain/staff.js';
import type { ItemKind } from '../domain/store.js';
import type { PointsEntryKind, RedemptionStatus, Resolvers } from '../generated/resolvers-types.js';
import type { PointsContext } from '../context.js';

const cursorOf = (e: LedgerEntry) => ({ at: e.createdAt, id: e.id });

/** The staff member calling, for the operation log (the rules let only staff reach staff fields). */
function staffIdOf(ctx: PointsContext): string {
  if (ctx.viewer.kind !== 'staff') throw badInput('Only staff do this.');
  return ctx.viewer.staffId;
}

/** The signed-in member (the rules let only members reach member mutations). */
function memberIdOf(ctx: PointsContext): string {
  if (ctx.viewer.kind !== 'member') throw unauthenticated('Sign in as a member to do this.');
  return ctx.viewer.memberId;
}

/** Lots expiring on the same instant, summed, soonest first. */
function byExpiry(lots: readonly { remaining: number; expiresAt: Date }[]) {
  const sums = new Map<number, number>();
  for (const l of lots) sums.set(l.expiresAt.getTime(), (sums.get(l.expiresAt.getTime()) ?? 0) + l.remaining);
  return [...sums].map(([at, points]) => ({ points, expiresAt: new Date(at) }));
}

const startOfMonth = (at: Date) => new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1));

export const resolvers: Resolvers = {
  DateTime,
  Query: {
    memberDataExport: async (_, args, ctx) => {
      const memberId = exportMemberId(args.memberId);
      return JSON.stringify(pointsExport(memberId, await ctx.points.everythingOf(memberId), ctx.now()));
    },
    earningRules: async (_, __, ctx) => {
      const now = ctx.now();
      const rules = programmeRules(await ctx.points.earningRules(), ctx.policy.pointsPerUnit);
      const inForce = new Set(rulesInForce(rules, now).values());
      // The version in force and any announced change; superseded versions are history.
      return rules.filter((r) => inForce.has(r) || r.effectiveFrom > now).map((r) => ({ ...r, inForce: inForce.has(r) }));
    },
    pointsCampaigns: (_, __, ctx) => ctx.points.campaignsFrom(ctx.now()),
    storeItems: (_, __, ctx) => ctx.points.catalogue(ctx.now()),
    lotteries: (_, __, ctx) => ctx.points.openLotteries(ctx.now()),
    lottery: async (_, args, ctx) => (await ctx.points.lottery(idArg(args.id, 'id'))) ?? null,
    pointsStaffOperations: (_, args, ctx) => {
      const first = args.first ?? 20;
      if (!Number.isInteger(first) || first < 1 || first > 100) throw badInput('Ask for between 1 and 100 operations.', 'first');
      return ctx.points.staffOperationsPage(first);
    },
    redemptionsToFulfil: (_, args, ctx) => {
      const first = args.first ?? 20;
      if (!Number.isInteger(first) || first < 1 || first > 100) throw badInput('Ask for between 1 and 100 redemptions.', 'first');
      return ctx.points.heldRedemptions(first);
    },
    pointsLeaderboard: async (_, args, ctx) => {
      const first = args.first ?? 10;
      if (!Number.isInteger(first) || first < 1 || first > 100) throw badInput('Ask for between 1 and 100 places.', 'first');
      const rows = await ctx.points.leaderboard(startOfMonth(ctx.now()), first);
      return rows.map((r, i) => ({ rank: i + 1, ...r }));
    },
  },
  Mutation: {
    holdPointsForOrder: (_, { input }, ctx) =>
      holdPointsForOrder(
        ctx.points,
        {
          ...input,
          memberId: idArg(input.memberId, 'memberId'),
          orderId: idArg(input.orderId, 'orderId'),
          currency: currencyArg(input.currency),
          idempotencyKey: keyArg(input.idempotencyKey),
        },
        ctx.policy,
        ctx.now(),
      ),
    adjustPoints: (_, { input }, ctx) =>
      adjustPoints(
        ctx.points,
        staffIdOf(ctx),
        { ...input, memberId: idArg(input.memberId, 'memberId'), idempotencyKey: keyArg(input.idempotencyKey) },
        ctx.policy,
        ctx.now(),
      ),
    checkIn: (_, args, ctx) => dailyCheckIn(ctx.points, memberIdOf(ctx), args.timeZone ?? null, ctx.policy, ctx.now()),
    redeemStoreItem: (_, { input }, ctx) =>
      redeemItem(
        ctx.points,
        memberIdOf(ctx),
        { itemId: idArg(input.itemId, 'itemId'), idempotencyKey: keyArg(input.idempotencyKey) },
        ctx.policy,
        ctx.now(),
      ),
    enterLottery: (_, { input }, ctx) =>
      enterLottery(
        ctx.points,
        memberIdOf(ctx),
        { lotteryId: idArg(input.lotteryId, 'lotteryId'), idempotencyKey: keyArg(input.idempotencyKey) },
        ctx.policy,
        ctx.now(),
      ),
    shareProduct: (_, args, ctx) => shareProduct(ctx.points, memberIdOf(ctx), args.productSku, ctx.now()),
    fulfilRedemption: (_, args, ctx) => fulfilRedemption(ctx.points, staffIdOf(ctx), idArg(args.id, 'id'), ctx.now()),
    cancelRedemption: (_, args, ctx) =>
      cancelRedemption(
        ctx.points,
        ctx.viewer.kind === 'staff' ? { staffId: ctx.viewer.staffId } : { memberId: memberIdOf(ctx) },
        idArg(args.id, 'id'),
        ctx.now(),
      ),
    recordReferral: async (_, args, ctx) => {
      await recordReferral(ctx.points, memberIdOf(ctx), idArg(args.referrerId, 'referrerId'), ctx.now());
      return true;
    },
    setLeaderboardName: async (_, args, ctx) => {
      const name = args.name?.trim() ?? null;
      if (name !== null && (name.length < 2 || name.length > 30)) throw badInput('A leaderboard name has 2 to 30 characters.', 'name');
      await ctx.points.setLeaderboardName(memberIdOf(ctx), name);
      return true;
    },
    scheduleEarningRuleChange: async (_, { input }, ctx) => {
      const rule = await scheduleRuleChange(ctx.points, staffIdOf(ctx), input, ctx.policy, ctx.now());
      return { ...rule, inForce: rule.effectiveFrom <= ctx.now() };
    },
    createPointsCampaign: (_, { input }, ctx) => createCampaign(ctx.points, staffIdOf(ctx), input, ctx.now()),
    createStoreItem: (_, { input }, ctx) =>
      createItem(
        ctx.points,
        staffIdOf(ctx),
        {
          ...input,
          kind: input.kind as ItemKind,
          tierPrices: Object.fromEntries((input.tierPrices ?? []).map((t) => [t.tier, t.points])),
          perMemberLimit: input.perMemberLimit ?? null,
          validUntil: input.validUntil ?? null,
        },
        ctx.now(),
      ),
    createLottery: (_, { input }, ctx) => createLottery(ctx.points, staffIdOf(ctx), input, ctx.now()),
    grantPoints: (_, { input }, ctx) =>
      grantPoints(
        ctx.points,
        staffIdOf(ctx),
        {
          ...input,
          memberId: idArg(input.memberId, 'memberId'),
          idempotencyKey: keyArg(input.idempotencyKey),
          rule: input.rule.toLowerCase() as RuleCode,
        },
        ctx.policy,
        ctx.now(),
      ),
  },
  Member: {
    // Identity owns the member; points only needs the id, so no lookup here.
    __resolveReference: (ref) => ({ id: ref.id }),
    pointsBalance: async (member, _, ctx) => (await ctx.loaders.account.load(member.id))?.balance ?? 0,
    pointsDebt: async (member, _, ctx) => (await ctx.loaders.account.load(member.id))?.debt ?? 0,
    pendingPoints: (member, _, ctx) => ctx.loaders.pending.load(member.id),
    pointsExpiringSoon: async (member, _, ctx) => byExpiry(await ctx.loaders.expiringSoon.load(member.id)),
    pointsHistory: async (member, args, ctx) => {
      const { first, after } = pageArgs(args);
      const rows = await ctx.loaders.history.load({ memberId: member.id, first, after });
      return toConnection(rows, first, cursorOf);
    },
  },
  PointsEntry: {
    occurredAt: (entry) => entry.createdAt,
    kind: (entry) => entry.kind.toUpperCase() as PointsEntryKind,
  },
  StoreItem: {
    tierPrices: (item) => Object.entries(item.tierPrices).map(([tier, points]) => ({ tier, points })),
    requiresVerification: (item, _, ctx) => item.pricePoints > ctx.policy.verificationAbove,
  },
  Lottery: {
    seed: (lottery, _, ctx) => (lottery.closesAt <= ctx.now() ? lottery.seed : null),
    prizes: (lottery, _, ctx) => ctx.loaders.prizes.load(lottery.id),
  },
  Redemption: {
    status: (r) => r.status.toUpperCase() as RedemptionStatus,
  },
  LotteryPrize: {
    remaining: (prize) => prize.count - prize.awarded,
  },
  LotteryEntryResult: {
    number: (entry) => entry.n,
    prize: async (entry, _, ctx) =>
      entry.prizeId ? ((await ctx.loaders.prizes.load(entry.lotteryId)).find((p) => p.id === entry.prizeId) ?? null) : null,
  },
};
