import { randomUUID } from 'node:crypto';
import { and, asc, desc, eq, gt, inArray, isNull, lte, or } from 'drizzle-orm';
import type { Db } from '@membership/db';
import { conflict } from '@membership/domain';
import { recordEvent, type TierCode } from '@membership/events';
import { announcedBenefit, type BenefitChange } from '../domain/benefits.js';
import { benefitChanges, outbox, staffOperations, tierBenefits } from './schema.js';

export type BenefitChangeRow = typeof benefitChanges.$inferSelect;
export type StaffOperationRow = typeof staffOperations.$inferSelect;

/** Who is making a staff change, for the staff operation log. */
export interface StaffActor {
  staffId: string;
  requestId: string | null;
}

/** All SQL of changing benefits and of the staff operation log. */
export class BenefitsRepository {
  constructor(private readonly db: Db) {}

  /**
   * Schedules a checked benefit change in one transaction: the change, the current
   * benefit row closed at the date, the new row opened at it, BenefitChangeAnnounced for
   * the tier's members and the staff operation log entry. One change per tier and
   * benefit may wait at a time: a second is a CONFLICT until the first applies.
   */
  async schedule(change: BenefitChange, actor: StaffActor, now: Date): Promise<BenefitChangeRow> {
    return this.db.transaction(async (tx) => {
      // Rows of this benefit that apply at or after the date, locked so two staff cannot schedule over each other.
      const current = await tx
        .select()
        .from(tierBenefits)
        .where(
          and(
            eq(tierBenefits.tierCode, change.tier),
            eq(tierBenefits.benefit, change.benefit),
            or(isNull(tierBenefits.effectiveUntil), gt(tierBenefits.effectiveUntil, now)),
          ),
        )
        .for('update');
      const pending = current.find((row) => row.effectiveFrom > now || (row.effectiveUntil !== null && row.effectiveUntil > now));
      if (pending) {
        throw conflict(
          `A change to ${change.benefit} for ${change.tier} is already scheduled for ${(pending.effectiveFrom > now ? pending.effectiveFrom : pending.effectiveUntil!).toISOString()}; schedule another after it applies.`,
          'benefit',
        );
      }
      if (change.removes && current.length === 0)
        throw conflict(`${change.tier} does not give ${change.benefit}: there is nothing to remove.`, 'removes');
      const changeId = randomUUID();
      const [row] = await tx
        .insert(benefitChanges)
        .values({
          changeId,
          tierCode: change.tier,
          benefit: change.benefit,
          value: change.value,
          description: change.description,
          removes: change.removes,
          effectiveAt: change.effectiveAt,
          announcedAt: now,
          announcedBy: actor.staffId,
          reason: change.reason,
        })
        .returning();
      await tx
        .update(tierBenefits)
        .set({ effectiveUntil: change.effectiveAt })
        .where(
          and(
            eq(tierBenefits.tierCode, change.tier),
            eq(tierBenefits.benefit, change.benefit),
            isNull(tierBenefits.effectiveUntil),
            lte(tierBenefits.effectiveFrom, now),
          ),
        );
      if (!change.removes) {
        await tx.insert(tierBenefits).values({
          tierCode: change.tier,
          benefit: change.benefit,
          value: change.value,
          description: change.description ?? '',
          effectiveFrom: change.effectiveAt,
          changeId,
        });
      }
      await recordEvent(
        tx as unknown as Db,
        outbox,
        'BenefitChangeAnnounced',
        { tier: change.tier, benefit: announcedBenefit(change), effectiveAt: change.effectiveAt.toISOString(), changeId },
        { now },
      );
      const before = current[0] ? { value: current[0].value, description: current[0].description } : null;
      await tx.insert(staffOperations).values({
        id: randomUUID(),
        occurredAt: now,
        actorId: actor.staffId,
        operation: 'benefit.schedule_change',
        targetType: 'tier_benefit',
        targetId: `${change.tier}/${change.benefit}`,
        before,
        after: {
          changeId,
          value: change.value,
          description: change.description,
          removes: change.removes,
          effectiveAt: change.effectiveAt.toISOString(),
        },
        reason: change.reason,
        requestId: actor.requestId,
      });
      return row!;
    });
  }

  /**
   * Applies the changes whose date has come, in one transaction: marks each applied and
   * records TierBenefitChangeApplied for it (with the tier's new multiplier when the change
   * was to POINTS_MULTIPLIER), so points moves every member of the tier. What members see
   * follows the benefit rows' dates already; this tells the subgraphs that keep a copy.
   * A change is applied once: the conditional UPDATE claims it, and a second run, or a
   * second instance at the same moment, finds nothing left.
   */
  async applyDue(now: Date): Promise<{ applied: number }> {
    return this.db.transaction(async (tx) => {
      const due = await tx
        .update(benefitChanges)
        .set({ appliedAt: now })
        .where(and(isNull(benefitChanges.appliedAt), lte(benefitChanges.effectiveAt, now)))
        .returning();
      for (const change of due.sort((a, b) => a.effectiveAt.getTime() - b.effectiveAt.getTime())) {
        await recordEvent(
          tx as unknown as Db,
          outbox,
          'TierBenefitChangeApplied',
          {
            changeId: change.changeId,
            tier: change.tierCode,
            benefit: change.benefit,
            pointsMultiplierPercent: change.benefit === 'POINTS_MULTIPLIER' ? change.value : null,
            appliedAt: change.effectiveAt.toISOString(),
          },
          { now },
        );
      }
      return { applied: due.length };
    });
  }

  /** Changes not yet applied for each of these tiers, soonest first, in one statement. */
  async upcomingOf(tierCodes: readonly string[], now: Date): Promise<Map<string, BenefitChangeRow[]>> {
    const rows = await this.db
      .select()
      .from(benefitChanges)
      .where(and(inArray(benefitChanges.tierCode, [...tierCodes] as TierCode[]), gt(benefitChanges.effectiveAt, now)))
      .orderBy(asc(benefitChanges.effectiveAt), asc(benefitChanges.changeId));
    const byTier = new Map<string, BenefitChangeRow[]>();
    for (const row of rows) byTier.set(row.tierCode, [...(byTier.get(row.tierCode) ?? []), row]);
    return byTier;
  }

  /** Every scheduled change, latest date first. */
  async changes(): Promise<BenefitChangeRow[]> {
    return this.db.select().from(benefitChanges).orderBy(desc(benefitChanges.effectiveAt), asc(benefitChanges.changeId));
  }

  /** The staff operation log of tiers, newest first. */
  async staffOperations(first: number): Promise<StaffOperationRow[]> {
    return this.db.select().from(staffOperations).orderBy(desc(staffOperations.occurredAt), desc(staffOperations.id)).limit(first);
  }
}
