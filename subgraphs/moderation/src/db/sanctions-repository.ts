import { and, asc, gt, inArray, isNull, or } from 'drizzle-orm';
import type { Db } from '@membership/db';
import { recordEvent } from '@membership/events';
import { outbox, sanctions } from './schema.js';

export type SanctionRow = typeof sanctions.$inferSelect;
export type NewSanction = typeof sanctions.$inferInsert;

/** All SQL about sanctions. */
export class SanctionsRepository {
  constructor(private readonly db: Db) {}

  /**
   * Every member's sanctions that are not lifted and not over by `now`, in one statement.
   * Scheduled ones are included: whether a sanction is in force is the domain's call.
   */
  async unliftedOfMembers(memberIds: readonly string[], now: Date): Promise<Map<string, SanctionRow[]>> {
    const rows = await this.db
      .select()
      .from(sanctions)
      .where(
        and(
          inArray(sanctions.memberId, [...memberIds]),
          inArray(sanctions.status, ['ACTIVE', 'SCHEDULED']),
          or(isNull(sanctions.endsAt), gt(sanctions.endsAt, now)),
        ),
      )
      .orderBy(asc(sanctions.startsAt), asc(sanctions.id));
    const byMember = new Map<string, SanctionRow[]>();
    for (const row of rows) byMember.set(row.memberId, [...(byMember.get(row.memberId) ?? []), row]);
    return byMember;
  }

  /**
   * Records a sanction and its SanctionApplied event in one transaction. A sanction whose
   * id already exists is left alone and nothing is recorded; returns whether it was new.
   */
  async apply(sanction: NewSanction): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const inserted = await tx.insert(sanctions).values(sanction).onConflictDoNothing().returning({ id: sanctions.id });
      if (inserted.length === 0) return false;
      await recordEvent(tx as unknown as Db, outbox, 'SanctionApplied', {
        sanctionId: sanction.id,
        memberId: sanction.memberId,
        kind: sanction.kind,
      }, { now: sanction.createdAt });
      return true;
    });
  }
}
