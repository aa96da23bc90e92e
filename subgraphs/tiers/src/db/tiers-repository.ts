import { and, asc, eq, getTableColumns, inArray, sql } from 'drizzle-orm';
import type { Db } from '@membership/db';
import { recordEvent, type EventCatalog, type TierChangeReason } from '@membership/events';
import type { MemberTier, TierChange, TierCode, TierDefinition } from '../domain/tiers.js';
import { memberTiers, outbox, tiers } from './schema.js';

export type TierRow = typeof tiers.$inferSelect;

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
      .select({ memberId: memberTiers.memberId, since: memberTiers.since, qualifyingSpend: memberTiers.qualifyingSpend, tier: getTableColumns(tiers) })
      .from(memberTiers)
      .innerJoin(tiers, eq(tiers.code, memberTiers.tierCode))
      .where(inArray(memberTiers.memberId, [...memberIds]));
    return new Map(rows.map(({ memberId, ...rest }) => [memberId, rest]));
  }

  /** Inserts tiers that are missing; tiers already present keep what staff made of them. */
  async ensureTiers(ladder: readonly TierDefinition[]): Promise<void> {
    if (ladder.length === 0) return;
    await this.db.insert(tiers).values([...ladder]).onConflictDoNothing();
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
    await recordEvent(this.db, outbox, 'TierChanged', { memberId, from: null, to: tier, reason: 'registered' }, { now: since });
    return true;
  }

  /**
   * Sets a member's qualifying spend and tier, creating the row if needed, and records
   * TierChanged when the tier actually changes; all in one transaction.
   */
  async place(memberId: string, placement: { tier: TierCode; qualifyingSpend: number; reason: TierChangeReason }, now: Date): Promise<void> {
    await this.db.transaction(async (tx) => {
      const [before] = await tx
        .select({ tierCode: memberTiers.tierCode })
        .from(memberTiers)
        .where(eq(memberTiers.memberId, memberId))
        .for('update');
      const changed = before?.tierCode !== placement.tier;
      await tx
        .insert(memberTiers)
        .values({ memberId, tierCode: placement.tier, since: now, qualifyingSpend: placement.qualifyingSpend })
        .onConflictDoUpdate({
          target: memberTiers.memberId,
          set: changed
            ? { tierCode: placement.tier, since: now, qualifyingSpend: placement.qualifyingSpend }
            : { qualifyingSpend: placement.qualifyingSpend },
        });
      if (changed) {
        await recordEvent(tx as unknown as Db, outbox, 'TierChanged', {
          memberId,
          from: before?.tierCode ?? null,
          to: placement.tier,
          reason: placement.reason,
        }, { now });
      }
    });
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
    await this.db.delete(outbox).where(sql`${outbox.payload} ->> 'memberId' = ${memberId}`);
  }
}
