import { and, asc, desc, eq, inArray, lte, sql, type SQL } from 'drizzle-orm';
import type { Db } from '@membership/db';
import { recordEvent, type TierCode } from '@membership/events';
import type { Decision, SanctionsInForce, Standing, Trigger } from '../domain/decision.js';
import type { Evaluation, EvaluationInputs, RuleVersion } from '../domain/rules.js';
import type { ActivityFact, PurchaseFact, RefundFact, SanctionFact, StandingStore } from '../domain/standing.js';
import {
  activities,
  memberTiers,
  outbox,
  purchases,
  refunds,
  ruleVersions,
  sanctions,
  tierBenefits,
  tierEvaluations,
  tierRequirements,
  tiers,
} from './schema.js';

/** Raw rows the same shape on PGlite (`{ rows }`) and the postgres driver (an array). */
export async function rowsOf<T>(db: Db, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown;
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

type RuleVersionRow = typeof ruleVersions.$inferSelect;

/** A rule version row and its requirements as the domain's RuleVersion. */
/**
 * These rule versions (newest first), each as its row and as the domain's RuleVersion with its
 * requirements lowest tier first: two statements however many versions.
 */
export async function loadRuleVersions(db: Db, numbers: readonly number[]): Promise<{ row: RuleVersionRow; version: RuleVersion }[]> {
  if (numbers.length === 0) return [];
  const rows = await db
    .select()
    .from(ruleVersions)
    .where(inArray(ruleVersions.version, [...numbers]))
    .orderBy(desc(ruleVersions.version));
  const requirements = await db
    .select({
      version: tierRequirements.ruleVersion,
      code: tierRequirements.tierCode,
      rank: tiers.rank,
      minScore: tierRequirements.minScore,
      minCreditScore: tierRequirements.minCreditScore,
    })
    .from(tierRequirements)
    .innerJoin(tiers, eq(tiers.code, tierRequirements.tierCode))
    .where(inArray(tierRequirements.ruleVersion, [...numbers]))
    .orderBy(asc(tiers.rank));
  return rows.map((row) => ({
    row,
    version: toRuleVersion(
      row,
      requirements.filter((r) => r.version === row.version),
    ),
  }));
}

function toRuleVersion(
  row: RuleVersionRow,
  requirements: { code: TierCode; rank: number; minScore: number; minCreditScore: number }[],
): RuleVersion {
  return {
    version: row.version,
    effectiveFrom: row.effectiveFrom,
    currency: row.currency,
    windowDays: row.windowDays,
    spendPerPoint: row.spendPerPoint,
    activityWeights: { check_in: row.checkInWeight, activity: row.activityWeight, review: row.reviewWeight, share: row.shareWeight },
    purchaseMonthWeight: row.purchaseMonthWeight,
    repeatPurchaseWeight: row.repeatPurchaseWeight,
    creditBase: row.creditBase,
    violationPenalties: {
      WARNING: row.warningPenalty,
      RESTRICTED_BENEFITS: row.restrictedBenefitsPenalty,
      DOWNGRADE: row.downgradePenalty,
      BAN: row.banPenalty,
    },
    requirements,
  };
}

/** The penalty of a sanction row under the rule version, as SQL (the same numbers as violationPenalty). */
const penaltySql = (kind: SQL | string, rules: string) =>
  sql.raw(
    `case ${kind} when 'WARNING' then ${rules}.warning_penalty when 'RESTRICTED_BENEFITS' then ${rules}.restricted_benefits_penalty when 'DOWNGRADE' then ${rules}.downgrade_penalty else ${rules}.ban_penalty end`,
  );

/**
 * The facts tiers keeps about members (paid orders, refunds, activity, sanctions) and
 * each member's standing: all SQL of evaluating one member. Used inside the consumer's
 * transaction, so a fact, the evaluation it causes and the events it implies commit together.
 */
export class StandingRepository implements StandingStore {
  constructor(private readonly db: Db) {}

  /** Records a paid order once; false when it was already known. */
  async recordPurchase(p: PurchaseFact): Promise<boolean> {
    const rows = await this.db.insert(purchases).values(p).onConflictDoNothing().returning({ id: purchases.orderId });
    return rows.length > 0;
  }

  async recordRefund(r: RefundFact): Promise<boolean> {
    const rows = await this.db.insert(refunds).values(r).onConflictDoNothing().returning({ id: refunds.refundId });
    return rows.length > 0;
  }

  async recordActivity(a: ActivityFact): Promise<boolean> {
    const rows = await this.db.insert(activities).values(a).onConflictDoNothing().returning({ id: activities.eventId });
    return rows.length > 0;
  }

  /** A sanction took effect. Its lifting may have arrived first: then it is recorded as already over. */
  async applySanction(s: SanctionFact, appliedAt: Date, endsAt: Date | null): Promise<void> {
    await this.db
      .insert(sanctions)
      .values({ ...s, appliedAt, endsAt })
      .onConflictDoUpdate({
        target: sanctions.sanctionId,
        set: { appliedAt: sql`coalesce(${sanctions.appliedAt}, excluded.applied_at)`, endsAt },
      });
  }

  /** A sanction was lifted (or reversed on appeal); recorded even before its application arrives. */
  async liftSanction(s: SanctionFact, liftedAt: Date, reason: string): Promise<void> {
    await this.db
      .insert(sanctions)
      .values({ ...s, liftedAt, liftReason: reason as never })
      .onConflictDoUpdate({
        target: sanctions.sanctionId,
        set: {
          liftedAt: sql`coalesce(${sanctions.liftedAt}, excluded.lifted_at)`,
          liftReason: sql`coalesce(${sanctions.liftReason}, excluded.lift_reason)`,
        },
      });
  }

  async rulesAt(at: Date): Promise<RuleVersion> {
    const [row] = await this.db
      .select()
      .from(ruleVersions)
      .where(lte(ruleVersions.effectiveFrom, at))
      .orderBy(desc(ruleVersions.version))
      .limit(1);
    if (!row)
      throw new Error(
        `No tier rule version is in force at ${at.toISOString()} (tiers.rule_versions is empty: run the migrations and the seed).`,
      );
    const requirements = await this.db
      .select({
        code: tierRequirements.tierCode,
        rank: tiers.rank,
        minScore: tierRequirements.minScore,
        minCreditScore: tierRequirements.minCreditScore,
      })
      .from(tierRequirements)
      .innerJoin(tiers, eq(tiers.code, tierRequirements.tierCode))
      .where(eq(tierRequirements.ruleVersion, row.version));
    return toRuleVersion(row, requirements);
  }

  async standingOf(memberId: string): Promise<Standing | null> {
    const [row] = await this.db
      .select({
        tier: memberTiers.tierCode,
        tierBeforeSanction: memberTiers.tierBeforeSanction,
        downgradeDueAt: memberTiers.downgradeDueAt,
        downgradeTo: memberTiers.downgradeTo,
        provisionalUntil: memberTiers.provisionalUntil,
        provisionalFrom: memberTiers.provisionalFrom,
      })
      .from(memberTiers)
      .where(eq(memberTiers.memberId, memberId))
      .for('update');
    return row ?? null;
  }

  async inputsOf(memberId: string, rules: RuleVersion, at: Date): Promise<EvaluationInputs> {
    const from = new Date(at.getTime() - rules.windowDays * 86_400_000).toISOString();
    const to = at.toISOString();
    const [spend] = await rowsOf<{ spend: number; purchases: number; months: number }>(
      this.db,
      sql`select coalesce(sum(greatest(p.amount - coalesce(f.amount, 0), 0)), 0)::int as spend,
                 (count(*) filter (where p.amount - coalesce(f.amount, 0) > 0))::int as purchases,
                 (count(distinct date_trunc('month', p.paid_at at time zone 'UTC')) filter (where p.amount - coalesce(f.amount, 0) > 0))::int as months
          from tiers.purchases p
          left join (select order_id, sum(amount) as amount from tiers.refunds where member_id = ${memberId} group by order_id) f on f.order_id = p.order_id
          where p.member_id = ${memberId} and p.currency = ${rules.currency} and p.paid_at > ${from}::timestamptz and p.paid_at <= ${to}::timestamptz`,
    );
    const [act] = await rowsOf<{ check_in: number; activity: number; review: number; share: number }>(
      this.db,
      sql`select (count(*) filter (where kind = 'check_in'))::int as check_in, (count(*) filter (where kind = 'activity'))::int as activity,
                 (count(*) filter (where kind = 'review'))::int as review, (count(*) filter (where kind = 'share'))::int as share
          from tiers.activities where member_id = ${memberId} and occurred_at > ${from}::timestamptz and occurred_at <= ${to}::timestamptz`,
    );
    const [viol] = await rowsOf<{ violations: number; penalty: number }>(
      this.db,
      sql`select count(*)::int as violations, coalesce(sum(${penaltySql('s.kind', 'r')}), 0)::int as penalty
          from tiers.sanctions s, tiers.rule_versions r
          where r.version = ${rules.version} and s.member_id = ${memberId} and s.applied_at > ${from}::timestamptz and s.applied_at <= ${to}::timestamptz
            and s.lift_reason is distinct from 'appeal'`,
    );
    return {
      qualifyingSpend: spend?.spend ?? 0,
      purchases: spend?.purchases ?? 0,
      monthsWithPurchase: spend?.months ?? 0,
      activity: { check_in: act?.check_in ?? 0, activity: act?.activity ?? 0, review: act?.review ?? 0, share: act?.share ?? 0 },
      violations: viol?.violations ?? 0,
      violationPenalty: viol?.penalty ?? 0,
    };
  }

  async sanctionsInForce(memberId: string): Promise<SanctionsInForce> {
    const [row] = await rowsOf<{ downgrades: number; blocks: boolean | null }>(
      this.db,
      sql`select (count(*) filter (where kind = 'DOWNGRADE'))::int as downgrades, bool_or(kind <> 'WARNING') as blocks
          from tiers.sanctions where member_id = ${memberId} and applied_at is not null and lifted_at is null`,
    );
    return { downgrades: row?.downgrades ?? 0, blocksUpgrades: row?.blocks === true };
  }

  /** The points multiplier (percent) a tier's benefits give at `at`, for TierChanged. */
  async multiplierOf(tier: TierCode, at: Date): Promise<number | null> {
    const [row] = await this.db
      .select({ value: tierBenefits.value })
      .from(tierBenefits)
      .where(
        and(
          eq(tierBenefits.tierCode, tier),
          eq(tierBenefits.benefit, 'POINTS_MULTIPLIER'),
          lte(tierBenefits.effectiveFrom, at),
          sql`(${tierBenefits.effectiveUntil} is null or ${tierBenefits.effectiveUntil} > ${at.toISOString()}::timestamptz)`,
        ),
      )
      .limit(1);
    return row?.value ?? null;
  }

  async save(memberId: string, before: Standing, evaluation: Evaluation, decision: Decision, trigger: Trigger, at: Date): Promise<void> {
    const { inputs } = evaluation;
    await this.db
      .update(memberTiers)
      .set({
        tierCode: decision.tier,
        ...(decision.tier !== before.tier ? { since: at } : {}),
        qualifyingSpend: inputs.qualifyingSpend,
        ruleVersion: evaluation.ruleVersion,
        evaluatedAt: at,
        purchases: inputs.purchases,
        monthsWithPurchase: inputs.monthsWithPurchase,
        checkIns: inputs.activity.check_in,
        activities: inputs.activity.activity,
        reviews: inputs.activity.review,
        shares: inputs.activity.share,
        violations: inputs.violations,
        violationPenalty: inputs.violationPenalty,
        score: evaluation.score.total,
        creditScore: evaluation.creditScore,
        earnedTier: evaluation.earned,
        tierBeforeSanction: decision.tierBeforeSanction,
        downgradeDueAt: decision.downgradeDueAt,
        downgradeTo: decision.downgradeTo,
        provisionalUntil: decision.provisionalUntil,
        provisionalFrom: decision.provisionalFrom,
      })
      .where(eq(memberTiers.memberId, memberId));
    await this.db.insert(tierEvaluations).values({
      memberId,
      ruleVersion: evaluation.ruleVersion,
      evaluatedAt: at,
      trigger,
      inputs,
      score: evaluation.score.total,
      creditScore: evaluation.creditScore,
      earnedTier: evaluation.earned,
      tierBefore: before.tier,
      tierAfter: decision.tier,
    });
    if (decision.reason) {
      await recordEvent(
        this.db,
        outbox,
        'TierChanged',
        {
          memberId,
          from: before.tier,
          to: decision.tier,
          reason: decision.reason,
          pointsMultiplierPercent: await this.multiplierOf(decision.tier, at),
        },
        { now: at },
      );
    }
    if (decision.downgradeAnnounced && decision.downgradeDueAt && decision.downgradeTo) {
      await recordEvent(
        this.db,
        outbox,
        'MemberNoticeRequested',
        downgradeNotice(memberId, before.tier, decision.downgradeTo, decision.downgradeDueAt),
        { now: at },
      );
    }
  }
}

/** The notice of an announced downgrade; one per member and date, however often it is asked for. */
function downgradeNotice(memberId: string, from: TierCode, to: TierCode, dueAt: Date) {
  const date = dueAt.toISOString().slice(0, 10);
  return { memberId, template: 'tiers.downgrade_scheduled', params: { from, to, date }, outOfApp: true, dedupeKey: `downgrade:${date}` };
}
