import { randomUUID } from 'node:crypto';
import { desc } from 'drizzle-orm';
import type { Db } from '@membership/db';
import { conflict } from '@membership/domain';
import type { RuleVersionRecord } from '../domain/rule-change.js';
import type { RuleVersion } from '../domain/rules.js';
import type { StaffActor } from './benefits-repository.js';
import { ruleVersions, staffOperations, tierRequirements } from './schema.js';
import { loadRuleVersions } from './standing-repository.js';

/** All SQL of the evaluation rules' versions as staff see and add them. */
export class RulesRepository {
  constructor(private readonly db: Db) {}

  /** The version with the highest number, in force or scheduled: what a new version builds on. */
  async latest(): Promise<RuleVersion> {
    const [row] = await this.db.select({ version: ruleVersions.version }).from(ruleVersions).orderBy(desc(ruleVersions.version)).limit(1);
    if (!row) throw new Error('tiers.rule_versions is empty: run the migrations and the seed.');
    const found = (await this.versions([row.version]))[0];
    if (!found) throw new Error(`Rule version ${row.version} vanished while it was read.`);
    return found;
  }

  /**
   * Adds a checked rule version, its requirements and the staff operation log entry in one
   * transaction. Its number must still be the next one: two staff adding a version at the
   * same moment both build on the same latest version, and the second is a CONFLICT rather
   * than a version built on rules its author never saw.
   */
  async create(version: RuleVersion, basedOn: number, reason: string, actor: StaffActor, now: Date): Promise<RuleVersionRecord> {
    return this.db.transaction(async (tx) => {
      const inserted = await tx
        .insert(ruleVersions)
        .values({
          version: version.version,
          effectiveFrom: version.effectiveFrom,
          createdAt: now,
          createdBy: actor.staffId,
          reason,
          currency: version.currency,
          windowDays: version.windowDays,
          spendPerPoint: version.spendPerPoint,
          checkInWeight: version.activityWeights.check_in,
          activityWeight: version.activityWeights.activity,
          reviewWeight: version.activityWeights.review,
          shareWeight: version.activityWeights.share,
          purchaseMonthWeight: version.purchaseMonthWeight,
          repeatPurchaseWeight: version.repeatPurchaseWeight,
          creditBase: version.creditBase,
          warningPenalty: version.violationPenalties.WARNING,
          restrictedBenefitsPenalty: version.violationPenalties.RESTRICTED_BENEFITS,
          downgradePenalty: version.violationPenalties.DOWNGRADE,
          banPenalty: version.violationPenalties.BAN,
        })
        .onConflictDoNothing()
        .returning({ version: ruleVersions.version });
      if (inserted.length === 0) {
        throw conflict(
          `Rule version ${version.version} was just created by someone else; read tierRuleVersions and build on it.`,
          'effectiveAt',
        );
      }
      await tx.insert(tierRequirements).values(
        version.requirements.map((r) => ({
          ruleVersion: version.version,
          tierCode: r.code,
          minScore: r.minScore,
          minCreditScore: r.minCreditScore,
        })),
      );
      await tx.insert(staffOperations).values({
        id: randomUUID(),
        occurredAt: now,
        actorId: actor.staffId,
        operation: 'rules.create_version',
        targetType: 'rule_version',
        targetId: String(version.version),
        before: { basedOn },
        after: ruleVersionJson(version),
        reason,
        requestId: actor.requestId,
      });
      return { ...version, createdAt: now, createdBy: actor.staffId, reason };
    });
  }

  /** Every version, newest first, with its requirements: two statements. */
  async all(): Promise<RuleVersionRecord[]> {
    const rows = await this.db.select({ version: ruleVersions.version }).from(ruleVersions).orderBy(desc(ruleVersions.version));
    return this.versions(rows.map((r) => r.version));
  }

  private async versions(numbers: number[]): Promise<RuleVersionRecord[]> {
    return (await loadRuleVersions(this.db, numbers)).map(({ row, version }) => ({
      ...version,
      createdAt: row.createdAt,
      createdBy: row.createdBy,
      reason: row.reason,
    }));
  }
}

/** A rule version as the staff operation log keeps it. */
function ruleVersionJson(v: RuleVersion) {
  return {
    version: v.version,
    effectiveFrom: v.effectiveFrom.toISOString(),
    windowDays: v.windowDays,
    spendPerPoint: v.spendPerPoint,
    activityWeights: v.activityWeights,
    purchaseMonthWeight: v.purchaseMonthWeight,
    repeatPurchaseWeight: v.repeatPurchaseWeight,
    creditBase: v.creditBase,
    violationPenalties: v.violationPenalties,
    requirements: v.requirements.map((r) => ({ tier: r.code, minScore: r.minScore, minCreditScore: r.minCreditScore })),
  };
}
