import { DateTime, notFound } from '@membership/subgraph';
import type { TierCode } from '@membership/events';
import type { Resolvers } from '../generated/resolvers-types.js';
import { benefitChange, heldSince, type MemberBenefitView } from '../domain/benefits.js';
import { exportMemberId, tiersExport } from '../domain/export.js';
import { tierStatus } from '../domain/status.js';
import { ruleVersionFrom, type RuleVersionRecord } from '../domain/rule-change.js';
import type { RuleVersion } from '../domain/rules.js';
import { BASE_MULTIPLIER_PERCENT, minQualifyingSpend, pointsMultiplier } from '../domain/tiers.js';
import type { TiersContext } from '../context.js';

/** A tier row by code, through the request's loader; the ladder always has the codes it hands out. */
async function tierOf(ctx: TiersContext, code: TierCode) {
  const tier = await ctx.loaders.tierByCode.load(code);
  if (!tier) throw notFound(`There is no tier ${code}.`);
  return tier;
}

/** The rule version in force at the request's clock and a tier's requirement under it. */
async function requirementOf(
  ctx: TiersContext,
  code: TierCode,
): Promise<{ rules: RuleVersion; requirement: RuleVersion['requirements'][number] }> {
  const version = await ctx.loaders.ruleVersionInForce.load('now');
  const rules = version === null ? null : await ctx.loaders.ruleVersion.load(String(version));
  const requirement = rules?.requirements.find((r) => r.code === code);
  if (!rules || !requirement) throw notFound(`No rule version in force gives ${code} a requirement.`);
  return { rules, requirement };
}

/** A rule version as the staff query shows it. */
const ruleVersionView = (r: RuleVersionRecord, inForce: number | null) => ({
  ...r,
  inForce: r.version === inForce,
  activityWeights: {
    checkIn: r.activityWeights.check_in,
    activity: r.activityWeights.activity,
    review: r.activityWeights.review,
    share: r.activityWeights.share,
  },
  violationPenalties: {
    warning: r.violationPenalties.WARNING,
    restrictedBenefits: r.violationPenalties.RESTRICTED_BENEFITS,
    downgrade: r.violationPenalties.DOWNGRADE,
    ban: r.violationPenalties.BAN,
  },
  requirements: r.requirements.map((q) => ({ ...q, ruleVersion: r.version })),
});

export const resolvers: Resolvers = {
  DateTime,
  Query: {
    tiers: (_, __, ctx) => ctx.tiers.published(),
    memberDataExport: async (_, args, ctx) => {
      const memberId = exportMemberId(args.memberId);
      return JSON.stringify(tiersExport(memberId, await ctx.tiers.everythingOf(memberId), ctx.now()));
    },
    benefitChanges: (_, __, ctx) => ctx.benefits.changes(),
    tierRuleVersions: async (_, __, ctx) => {
      const inForce = await ctx.loaders.ruleVersionInForce.load('now');
      return (await ctx.rules.all()).map((r) => ruleVersionView(r, inForce));
    },
    tierStaffOperations: (_, args, ctx) => ctx.benefits.staffOperations(Math.min(Math.max(args.first ?? 20, 1), 100)),
  },
  Mutation: {
    scheduleBenefitChange: async (_, { input }, ctx) => {
      const now = ctx.now();
      const change = benefitChange(input, now, ctx.settings.TIERS_BENEFIT_NOTICE_DAYS);
      // The rules let only staff with tiers:manage here.
      const staffId = ctx.viewer.kind === 'staff' ? ctx.viewer.staffId : 'unknown';
      return ctx.benefits.schedule(change, { staffId, requestId: ctx.requestId }, now);
    },
    createTierRuleVersion: async (_, { input }, ctx) => {
      const now = ctx.now();
      const latest = await ctx.rules.latest();
      const w = input.activityWeights;
      const p = input.violationPenalties;
      const version = ruleVersionFrom(
        {
          ...input,
          activityWeights: w && {
            check_in: w.checkIn ?? undefined,
            activity: w.activity ?? undefined,
            review: w.review ?? undefined,
            share: w.share ?? undefined,
          },
          violationPenalties: p && {
            WARNING: p.warning ?? undefined,
            RESTRICTED_BENEFITS: p.restrictedBenefits ?? undefined,
            DOWNGRADE: p.downgrade ?? undefined,
            BAN: p.ban ?? undefined,
          },
        },
        latest,
        now,
        ctx.settings.TIERS_RULE_NOTICE_DAYS,
      );
      // The rules let only staff with tiers:manage here.
      const staffId = ctx.viewer.kind === 'staff' ? ctx.viewer.staffId : 'unknown';
      const created = await ctx.rules.create(version, latest.version, input.reason.trim(), { staffId, requestId: ctx.requestId }, now);
      return ruleVersionView(created, await ctx.loaders.ruleVersionInForce.load('now'));
    },
  },
  Tier: {
    pointsMultiplier: async (tier, _, ctx) => {
      const multiplier = (await ctx.loaders.benefitsOfTier.load(tier.code)).find((b) => b.benefit === 'POINTS_MULTIPLIER');
      return pointsMultiplier(multiplier?.value ?? BASE_MULTIPLIER_PERCENT);
    },
    minQualifyingSpend: async (tier, _, ctx) => {
      const { rules, requirement } = await requirementOf(ctx, tier.code);
      return minQualifyingSpend(requirement, rules);
    },
    currency: async (tier, _, ctx) => (await requirementOf(ctx, tier.code)).rules.currency,
    benefits: (tier, _, ctx) => ctx.loaders.benefitsOfTier.load(tier.code),
    upcomingChanges: (tier, _, ctx) => ctx.loaders.upcomingChangesOfTier.load(tier.code),
    requirements: async (tier, _, ctx) => {
      const { rules, requirement } = await requirementOf(ctx, tier.code);
      return { ...requirement, ruleVersion: rules.version };
    },
  },
  TierRequirement: {
    tier: (r) => r.code,
  },
  Benefit: {
    kind: (b) => b.benefit,
  },
  BenefitChange: {
    tier: (c) => c.tierCode,
  },
  TierStaffOperation: {
    staffId: (op) => op.actorId,
    after: (op) => (op.after === null ? null : JSON.stringify(op.after)),
  },
  TierStatus: {
    tier: (s, _, ctx) => tierOf(ctx, s.tier),
    earnedTier: (s, _, ctx) => (s.earnedTier ? tierOf(ctx, s.earnedTier) : null),
  },
  TierEvaluation: {
    qualifyingSpend: (e) => e.inputs.qualifyingSpend,
    purchases: (e) => e.inputs.purchases,
    monthsWithPurchase: (e) => e.inputs.monthsWithPurchase,
    checkIns: (e) => e.inputs.activity.check_in,
    activities: (e) => e.inputs.activity.activity,
    reviews: (e) => e.inputs.activity.review,
    shares: (e) => e.inputs.activity.share,
    violations: (e) => e.inputs.violations,
    spendScore: (e) => e.score.spend,
    activityScore: (e) => e.score.activity,
    loyaltyScore: (e) => e.score.loyalty,
    score: (e) => e.score.total,
  },
  NextTierNeeds: {
    tier: (n, _, ctx) => tierOf(ctx, n.tier),
  },
  ScheduledDowngrade: {
    to: (d, _, ctx) => tierOf(ctx, d.to),
  },
  Member: {
    __resolveReference: (ref) => ({ id: ref.id }),
    tier: async (member, _, ctx) => (await ctx.loaders.tierOfMember.load(member.id))?.tier ?? null,
    tierSince: async (member, _, ctx) => (await ctx.loaders.tierOfMember.load(member.id))?.since ?? null,
    tierStatus: async (member, _, ctx) => {
      const stored = await ctx.loaders.standingOfMember.load(member.id);
      if (!stored) return null;
      const rules = stored.ruleVersion === null ? null : await ctx.loaders.ruleVersion.load(String(stored.ruleVersion));
      return tierStatus(stored, rules, await ctx.loaders.sanctionsOfMember.load(member.id));
    },
    benefits: async (member, _, ctx) => {
      const held = await ctx.loaders.tierOfMember.load(member.id);
      if (!held) return null;
      const benefits = await ctx.loaders.benefitsOfTier.load(held.tier.code);
      return benefits.map((b): MemberBenefitView => ({
        kind: b.benefit,
        value: b.value,
        description: b.description,
        since: heldSince(b.effectiveFrom, held.since),
      }));
    },
  },
};
