import { and, asc, desc, eq, getTableColumns, gt, inArray, isNotNull, isNull, lte, or, sql } from 'drizzle-orm';
import type { Db } from '@membership/db';
import { recordEvent, type EventCatalog } from '@membership/events';
import type { MemberTier, TierChange, TierCode, TierDefinition } from '../domain/tiers.js';
import { BENEFIT_KINDS, type BenefitDefinition } from '../domain/benefits.js';
import type { SanctionsInForce } from '../domain/decision.js';
import type { StoredStanding } from '../domain/status.js';
import type { RuleVersion } from '../domain/rules.js';
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
import { loadRuleVersions, StandingRepository } from './standing-repository.js';

export type TierRow = typeof tiers.$inferSelect;
export type BenefitRow = typeof tierBenefits.$inferSelect;

/** All SQL about the tier ladder and members' tiers. */
export class TiersRepository {
  constructor(private readonly db: Db) {}

  /** The tiers members and anonymous callers may see, lowest rank first. */
  async published(): Promise<TierRow[]> {
    return this.db.select().from(tiers).where(eq(tiers.published, true)).orderBy(asc(tiers.rank));
  }

  /** The whole ladder, published or not, lowest rank first. */
  async ladder(): Promise<TierRow[]> {
    return this.db.select().from(tiers).orderBy(asc(tiers.rank));
  }

  /** The tiers of all these members in one statement; members without a tier are absent. */
  async ofMembers(memberIds: readonly string[]): Promise<Map<string, MemberTier>> {
    const rows = await this.db
      .select({
        memberId: memberTiers.memberId,
        since: memberTiers.since,
        qualifyingSpend: memberTiers.qualifyingSpend,
        tier: getTableColumns(tiers),
      })
      .from(memberTiers)
      .innerJoin(tiers, eq(tiers.code, memberTiers.tierCode))
      .where(inArray(memberTiers.memberId, [...memberIds]));
    return new Map(rows.map(({ memberId, ...rest }) => [memberId, rest]));
  }

  /** Every member's stored standing and latest evaluation, in one statement. */
  async standingsOf(memberIds: readonly string[]): Promise<Map<string, StoredStanding>> {
    const rows = await this.db
      .select({
        memberId: memberTiers.memberId,
        tier: memberTiers.tierCode,
        since: memberTiers.since,
        ruleVersion: memberTiers.ruleVersion,
        evaluatedAt: memberTiers.evaluatedAt,
        qualifyingSpend: memberTiers.qualifyingSpend,
        purchases: memberTiers.purchases,
        monthsWithPurchase: memberTiers.monthsWithPurchase,
        checkIns: memberTiers.checkIns,
        activities: memberTiers.activities,
        reviews: memberTiers.reviews,
        shares: memberTiers.shares,
        violations: memberTiers.violations,
        violationPenalty: memberTiers.violationPenalty,
        downgradeDueAt: memberTiers.downgradeDueAt,
        downgradeTo: memberTiers.downgradeTo,
      })
      .from(memberTiers)
      .where(inArray(memberTiers.memberId, [...memberIds]));
    return new Map(rows.map((r) => [r.memberId, r]));
  }

  /** The sanctions in force for each of these members, in one statement; members with none are absent. */
  async sanctionsOf(memberIds: readonly string[]): Promise<Map<string, SanctionsInForce>> {
    const rows = await this.db
      .select({
        memberId: sanctions.memberId,
        downgrades: sql<number>`(count(*) filter (where ${sanctions.kind} = 'DOWNGRADE'))::int`,
        blocks: sql<boolean>`bool_or(${sanctions.kind} <> 'WARNING')`,
      })
      .from(sanctions)
      .where(and(inArray(sanctions.memberId, [...memberIds]), isNotNull(sanctions.appliedAt), isNull(sanctions.liftedAt)))
      .groupBy(sanctions.memberId);
    return new Map(rows.map((r) => [r.memberId, { downgrades: Number(r.downgrades), blocksUpgrades: r.blocks === true }]));
  }

  /** These rule versions with their requirements, in two statements. */
  async ruleVersionsOf(versions: readonly string[]): Promise<Map<string, RuleVersion>> {
    const loaded = await loadRuleVersions(this.db, versions.map(Number).filter(Number.isInteger));
    return new Map(loaded.map(({ version }) => [String(version.version), version]));
  }

  /** The version number in force at `at`. */
  async ruleVersionAt(at: Date): Promise<number | null> {
    const [row] = await this.db
      .select({ version: ruleVersions.version })
      .from(ruleVersions)
      .where(lte(ruleVersions.effectiveFrom, at))
      .orderBy(desc(ruleVersions.version))
      .limit(1);
    return row?.version ?? null;
  }

  /** What each of these tiers gives at `at`, in one statement, in the catalogue's order. */
  async benefitsAt(tierCodes: readonly string[], at: Date): Promise<Map<string, BenefitRow[]>> {
    const rows = await this.db
      .select()
      .from(tierBenefits)
      .where(
        and(
          inArray(tierBenefits.tierCode, [...tierCodes] as TierCode[]),
          lte(tierBenefits.effectiveFrom, at),
          or(isNull(tierBenefits.effectiveUntil), gt(tierBenefits.effectiveUntil, at)),
        ),
      );
    const order = (b: BenefitRow) => BENEFIT_KINDS.indexOf(b.benefit);
    const byTier = new Map<string, BenefitRow[]>();
    for (const row of rows.sort((a, b) => order(a) - order(b))) byTier.set(row.tierCode, [...(byTier.get(row.tierCode) ?? []), row]);
    return byTier;
  }

  /** Tiers by code, published or not. */
  async tiersByCode(codes: readonly string[]): Promise<Map<string, TierRow>> {
    const rows = await this.db
      .select()
      .from(tiers)
      .where(inArray(tiers.code, [...codes] as TierCode[]));
    return new Map(rows.map((r) => [r.code, r]));
  }

  /** Inserts tiers that are missing; tiers already present keep what staff made of them. */
  async ensureTiers(ladder: readonly TierDefinition[]): Promise<void> {
    if (ladder.length === 0) return;
    await this.db
      .insert(tiers)
      .values([...ladder])
      .onConflictDoNothing();
  }

  /**
   * Puts a new member in `tier`, once: a member who already has a tier keeps it. The
   * TierChanged event is recorded in the same transaction, only when the row is new.
   * Call it with a transaction.
   */
  async enrol(memberId: string, tier: TierCode, since: Date): Promise<boolean> {
    const inserted = await this.db
      .insert(memberTiers)
      .values({ memberId, tierCode: tier, since, qualifyingSpend: 0 })
      .onConflictDoNothing()
      .returning({ memberId: memberTiers.memberId });
    if (inserted.length === 0) return false;
    const pointsMultiplierPercent = await new StandingRepository(this.db).multiplierOf(tier, since);
    await recordEvent(
      this.db,
      outbox,
      'TierChanged',
      { memberId, from: null, to: tier, reason: 'registered', pointsMultiplierPercent },
      { now: since },
    );
    return true;
  }

  /**
   * Inserts the shipped rule version and benefits where they are missing (the migrations
   * ship them; a database emptied by hand gets them back). Rows present are left as they are.
   */
  async ensureReferenceData(rules: RuleVersion, benefits: readonly BenefitDefinition[], benefitsFrom: Date): Promise<void> {
    await this.db.insert(ruleVersions).values(ruleVersionRow(rules)).onConflictDoNothing();
    await this.db
      .insert(tierRequirements)
      .values(
        rules.requirements.map((r) => ({
          ruleVersion: rules.version,
          tierCode: r.code,
          minScore: r.minScore,
          minCreditScore: r.minCreditScore,
        })),
      )
      .onConflictDoNothing();
    await this.db
      .insert(tierBenefits)
      .values(
        benefits.map((b, i) => ({
          id: shippedBenefitId(i),
          tierCode: b.tier,
          benefit: b.benefit,
          value: b.value,
          description: b.description,
          effectiveFrom: benefitsFrom,
        })),
      )
      .onConflictDoNothing();
  }

  /**
   * The member's place on the ladder and the tier changes tiers recorded for them,
   * oldest first, in two statements: what tiers contributes to the member's data
   * export. Tiers keeps no history table; the TierChanged events in its outbox are the
   * history it holds.
   */
  async everythingOf(memberId: string): Promise<{ current: MemberTier | undefined; changes: TierChange[] }> {
    const current = (await this.ofMembers([memberId])).get(memberId);
    const events = await this.db
      .select({ payload: outbox.payload, occurredAt: outbox.occurredAt })
      .from(outbox)
      .where(and(eq(outbox.type, 'TierChanged'), sql`${outbox.payload} ->> 'memberId' = ${memberId}`))
      .orderBy(asc(outbox.occurredAt), asc(outbox.id));
    const changes = events.map(({ payload, occurredAt }) => {
      // Checked against the contract when it was recorded.
      const change = payload as EventCatalog['TierChanged'];
      return { from: change.from, to: change.to, reason: change.reason, at: occurredAt };
    });
    return { current, changes };
  }

  /**
   * Deletes everything tiers holds about an erased member, in set-based statements:
   * their place on the ladder and the events about them in the outbox (their tier
   * history). Running it again finds nothing to delete. Call it with a transaction.
   */
  async eraseMember(memberId: string): Promise<void> {
    await this.db.delete(memberTiers).where(eq(memberTiers.memberId, memberId));
    await this.db.delete(purchases).where(eq(purchases.memberId, memberId));
    await this.db.delete(refunds).where(eq(refunds.memberId, memberId));
    await this.db.delete(activities).where(eq(activities.memberId, memberId));
    await this.db.delete(sanctions).where(eq(sanctions.memberId, memberId));
    await this.db.delete(tierEvaluations).where(eq(tierEvaluations.memberId, memberId));
    await this.db.delete(outbox).where(sql`${outbox.payload} ->> 'memberId' = ${memberId}`);
  }
}

/** The id of the i-th shipped benefit row, as the tiers_rules_and_benefits_data migration writes it. */
const shippedBenefitId = (i: number) => `00000000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`;

/** A rule version as its table row. */
function ruleVersionRow(r: RuleVersion): typeof ruleVersions.$inferInsert {
  return {
    version: r.version,
    effectiveFrom: r.effectiveFrom,
    currency: r.currency,
    windowDays: r.windowDays,
    spendPerPoint: r.spendPerPoint,
    checkInWeight: r.activityWeights.check_in,
    activityWeight: r.activityWeights.activity,
    reviewWeight: r.activityWeights.review,
    shareWeight: r.activityWeights.share,
    purchaseMonthWeight: r.purchaseMonthWeight,
    repeatPurchaseWeight: r.repeatPurchaseWeight,
    creditBase: r.creditBase,
    warningPenalty: r.violationPenalties.WARNING,
    restrictedBenefitsPenalty: r.violationPenalties.RESTRICTED_BENEFITS,
    downgradePenalty: r.violationPenalties.DOWNGRADE,
    banPenalty: r.violationPenalties.BAN,
  };
}
