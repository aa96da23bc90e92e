import { and, asc, eq, gt, inArray, isNull, or, sql } from 'drizzle-orm';
import type { Db } from '@membership/db';
import { recordEvent } from '@membership/events';
import { outbox, sanctions } from './schema.js';

export type SanctionRow = typeof sanctions.$inferSelect;
/** A sanction being applied always names its member and reason; only erasure clears them. */
export type NewSanction = Omit<typeof sanctions.$inferInsert, 'memberId' | 'reason' | 'erasedAt'> & { memberId: string; reason: string };

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
    for (const row of rows) {
      if (row.memberId) byMember.set(row.memberId, [...(byMember.get(row.memberId) ?? []), row]);
    }
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

  /**
   * Every sanction of one member, lifted or not, oldest first: what moderation
   * contributes to the member's data export.
   */
  async everythingOf(memberId: string): Promise<SanctionRow[]> {
    return this.db.select().from(sanctions).where(eq(sanctions.memberId, memberId)).orderBy(asc(sanctions.startsAt), asc(sanctions.id));
  }

  /**
   * Anonymises an erased member's sanctions, in set-based statements: each keeps its
   * kind, status and dates for moderation statistics, loses the member id and the
   * reason (free text that may describe them) and gets a new id, so copies of the old
   * id elsewhere (event payloads) no longer point at it; the events moderation recorded
   * about them leave the outbox. Running it again finds nothing left to change. Call it
   * with a transaction.
   */
  async eraseMember(memberId: string, erasedAt: Date): Promise<{ sanctions: number }> {
    const anonymised = await this.db
      .update(sanctions)
      .set({ id: sql`gen_random_uuid()`, memberId: null, reason: null, erasedAt })
      .where(eq(sanctions.memberId, memberId))
      .returning({ id: sanctions.id });
    await this.db.delete(outbox).where(sql`${outbox.payload} ->> 'memberId' = ${memberId}`);
    return { sanctions: anonymised.length };
  }
}
