import { randomUUID } from 'node:crypto';
import { and, asc, desc, eq, gte, inArray, isNotNull, lt, lte, sql } from 'drizzle-orm';
import type { Db } from '@membership/db';
import { badInput, conflict, notFound } from '@membership/domain';
import type { TierCode } from '@membership/events';
import {
  afterRating,
  complaintDeadlines,
  complaintPriority,
  type ComplaintCategory,
  type ComplaintChannel,
  type ComplaintPolicy,
  type ComplaintPriority,
} from '../domain/complaints.js';
import { benefitChanges, complaintMessages, complaints, memberTiers } from './schema.js';
import { logStaffOperation, type StaffActor } from './staff-log.js';

export type ComplaintRow = typeof complaints.$inferSelect;
export type ComplaintMessageRow = typeof complaintMessages.$inferSelect;

/** A complaint as it arrives, from the member in the app or taken by staff. */
export interface NewComplaint {
  memberId: string;
  channel: ComplaintChannel;
  category: ComplaintCategory;
  subject: string;
  priority: ComplaintPriority;
  changeId: string | null;
  assigneeId: string | null;
}

/** Whose complaints a request may see: one member's, or (staff with complaints:read) all. */
export type ComplaintScope = { memberId: string } | { all: true };

/** All SQL about complaints, limited to the scope it is built with. */
export class ComplaintsRepository {
  constructor(
    private readonly db: Db,
    private readonly scope: ComplaintScope,
  ) {}

  private visible() {
    return 'memberId' in this.scope ? eq(complaints.memberId, this.scope.memberId) : undefined;
  }

  /**
   * Opens a complaint: its priority raised to what the member's tier promises, its
   * deadlines counted in business hours from now (an objection's resolution no later than
   * the change's effective date). Staff taking it by phone, email or in person are logged.
   */
  async open(input: NewComplaint, policy: ComplaintPolicy, now: Date, staff?: StaffActor): Promise<ComplaintRow> {
    return this.db.transaction(async (txn) => {
      const tx = txn as unknown as Db;
      let changeEffectiveAt: Date | null = null;
      if (input.category === 'BENEFIT_CHANGE_OBJECTION') {
        if (!input.changeId) throw badInput('An objection names the announced change it objects to (changeId).', 'changeId');
        const [change] = await tx.select().from(benefitChanges).where(eq(benefitChanges.changeId, input.changeId));
        if (!change) throw notFound('No benefit change with this id was announced.');
        changeEffectiveAt = change.effectiveAt;
      } else if (input.changeId) {
        throw badInput('Only a BENEFIT_CHANGE_OBJECTION names a changeId.', 'changeId');
      }
      const [tier] = await tx.select({ tier: memberTiers.tier }).from(memberTiers).where(eq(memberTiers.memberId, input.memberId));
      const priority = complaintPriority(input.priority, (tier?.tier as TierCode | undefined) ?? null, policy);
      const deadlines = complaintDeadlines(now, priority, policy, changeEffectiveAt);
      const [row] = await tx
        .insert(complaints)
        .values({
          id: randomUUID(),
          memberId: input.memberId,
          channel: input.channel,
          category: input.category,
          priority,
          status: 'OPEN',
          subject: input.subject,
          changeId: input.changeId,
          assigneeId: input.assigneeId ?? staff?.staffId ?? null,
          recordedBy: staff?.staffId ?? null,
          createdAt: now,
          ...deadlines,
          nextDueAt: deadlines.firstResponseDueAt,
          escalations: 0,
        })
        .returning();
      if (staff) {
        await logStaffOperation(
          tx,
          staff,
          now,
          'complaint.record',
          { type: 'Complaint', id: row!.id },
          {
            channel: input.channel,
            category: input.category,
            priority,
          },
        );
      }
      return row!;
    });
  }

  /** Complaints by id, as far as the scope sees them, in one statement. */
  async byIds(ids: readonly string[]): Promise<Map<string, ComplaintRow>> {
    const rows = await this.db
      .select()
      .from(complaints)
      .where(and(inArray(complaints.id, [...ids]), this.visible()));
    return new Map(rows.map((r) => [r.id, r]));
  }

  /** Each complaint's messages, oldest first, in one statement. */
  async messagesOf(ids: readonly string[]): Promise<Map<string, ComplaintMessageRow[]>> {
    const rows = await this.db
      .select()
      .from(complaintMessages)
      .where(inArray(complaintMessages.complaintId, [...ids]))
      .orderBy(asc(complaintMessages.createdAt), asc(complaintMessages.id));
    const by = new Map<string, ComplaintMessageRow[]>();
    for (const r of rows) by.set(r.complaintId, [...(by.get(r.complaintId) ?? []), r]);
    return by;
  }

  /** The member's own complaints, newest first. */
  async mine(first: number): Promise<ComplaintRow[]> {
    if (!('memberId' in this.scope)) return [];
    return this.db.select().from(complaints).where(this.visible()).orderBy(desc(complaints.createdAt), desc(complaints.id)).limit(first);
  }

  /** Unresolved complaints, the nearest deadline first; with `breachedOnly`, only those past it at `now`. */
  async queue(now: Date, breachedOnly: boolean, first: number): Promise<ComplaintRow[]> {
    return this.db
      .select()
      .from(complaints)
      .where(and(isNotNull(complaints.nextDueAt), breachedOnly ? lt(complaints.nextDueAt, now) : undefined, this.visible()))
      .orderBy(asc(complaints.nextDueAt), asc(complaints.id))
      .limit(first);
  }

  private async locked(tx: Db, id: string): Promise<ComplaintRow> {
    const [row] = await tx
      .select()
      .from(complaints)
      .where(and(eq(complaints.id, id), this.visible()))
      .for('update');
    if (!row) throw notFound('There is no complaint with this id, or it is not yours.');
    return row;
  }

  /** Hands the complaint to a staff member. */
  async assign(id: string, assigneeId: string, staff: StaffActor, now: Date): Promise<ComplaintRow> {
    return this.db.transaction(async (txn) => {
      const tx = txn as unknown as Db;
      const before = await this.locked(tx, id);
      const [row] = await tx.update(complaints).set({ assigneeId }).where(eq(complaints.id, id)).returning();
      await logStaffOperation(tx, staff, now, 'complaint.assign', { type: 'Complaint', id }, { from: before.assigneeId, to: assigneeId });
      return row!;
    });
  }

  /**
   * Staff answer (and, with `resolve`, resolve with a root cause). The first answer stops
   * the first-response clock; a resolved or closed complaint takes no more answers.
   */
  async answer(
    id: string,
    body: string,
    staff: StaffActor,
    now: Date,
    resolve: { rootCause: string | null } | null,
  ): Promise<ComplaintRow> {
    return this.db.transaction(async (txn) => {
      const tx = txn as unknown as Db;
      const before = await this.locked(tx, id);
      if (before.status === 'RESOLVED' || before.status === 'CLOSED')
        throw conflict(`This complaint is already ${before.status.toLowerCase()}.`);
      await tx.insert(complaintMessages).values({ id: randomUUID(), complaintId: id, authorKind: 'STAFF', body, createdAt: now });
      const [row] = await tx
        .update(complaints)
        .set({
          firstRespondedAt: before.firstRespondedAt ?? now,
          status: resolve ? 'RESOLVED' : 'ANSWERED',
          nextDueAt: resolve ? null : before.resolutionDueAt,
          ...(resolve ? { resolvedAt: now, rootCause: resolve.rootCause } : {}),
        })
        .where(eq(complaints.id, id))
        .returning();
      await logStaffOperation(
        tx,
        staff,
        now,
        resolve ? 'complaint.resolve' : 'complaint.answer',
        { type: 'Complaint', id },
        {
          status: row!.status,
          ...(resolve ? { rootCause: resolve.rootCause } : {}),
        },
      );
      return row!;
    });
  }

  /** The member adds to their open complaint; a resolved or closed one takes no more messages. */
  async addMemberMessage(id: string, body: string, now: Date): Promise<ComplaintRow> {
    return this.db.transaction(async (txn) => {
      const tx = txn as unknown as Db;
      const row = await this.locked(tx, id);
      if (row.status === 'RESOLVED' || row.status === 'CLOSED') {
        throw conflict('This complaint is resolved: rate it (a low rating reopens it) or file a new one.');
      }
      await tx.insert(complaintMessages).values({ id: randomUUID(), complaintId: id, authorKind: 'MEMBER', body, createdAt: now });
      return row;
    });
  }

  /**
   * The member rates their resolved complaint. A dissatisfied rating reopens it one
   * priority higher, with fresh deadlines from now.
   */
  async rate(id: string, rating: number, policy: ComplaintPolicy, now: Date): Promise<ComplaintRow> {
    return this.db.transaction(async (txn) => {
      const tx = txn as unknown as Db;
      const before = await this.locked(tx, id);
      const next = afterRating(before, rating, policy);
      const deadlines = next.reopened ? complaintDeadlines(now, next.priority, policy) : null;
      const reopen = deadlines
        ? {
            ...deadlines,
            nextDueAt: deadlines.firstResponseDueAt,
            firstRespondedAt: null,
            resolvedAt: null,
            escalations: before.escalations + 1,
          }
        : { nextDueAt: null };
      const [row] = await tx
        .update(complaints)
        .set({ status: next.status, priority: next.priority, rating, ...reopen })
        .where(eq(complaints.id, id))
        .returning();
      return row!;
    });
  }

  /** Trends for complaints created in [from, to): counts, breaches at `now`, ratings and repeat causes. */
  async stats(from: Date, to: Date, now: Date) {
    const inPeriod = and(gte(complaints.createdAt, from), lt(complaints.createdAt, to));
    // A raw parameter reaches the postgres driver untyped: pass the instant as ISO text, cast.
    const at = sql`${now.toISOString()}::timestamptz`;
    const [totals] = await this.db
      .select({
        total: sql<number>`count(*)::int`,
        firstResponseBreaches: sql<number>`count(*) filter (where coalesce(${complaints.firstRespondedAt}, ${at}) > ${complaints.firstResponseDueAt})::int`,
        resolutionBreaches: sql<number>`count(*) filter (where coalesce(${complaints.resolvedAt}, ${at}) > ${complaints.resolutionDueAt})::int`,
        averageRating: sql<number | null>`avg(${complaints.rating})::float8`,
      })
      .from(complaints)
      .where(inPeriod);
    const byCategory = await this.db
      .select({ key: complaints.category, count: sql<number>`count(*)::int` })
      .from(complaints)
      .where(inPeriod)
      .groupBy(complaints.category)
      .orderBy(desc(sql`count(*)`), asc(complaints.category));
    const byChannel = await this.db
      .select({ key: complaints.channel, count: sql<number>`count(*)::int` })
      .from(complaints)
      .where(inPeriod)
      .groupBy(complaints.channel)
      .orderBy(desc(sql`count(*)`), asc(complaints.channel));
    const repeatCauses = await this.db
      .select({ category: complaints.category, cause: sql<string>`${complaints.rootCause}`, count: sql<number>`count(*)::int` })
      .from(complaints)
      .where(and(inPeriod, isNotNull(complaints.rootCause)))
      .groupBy(complaints.category, complaints.rootCause)
      .having(sql`count(*) > 1`)
      .orderBy(desc(sql`count(*)`), asc(complaints.rootCause));
    return { from, to, ...totals!, byCategory, byChannel, repeatCauses };
  }

  /** Erasure: the member's complaints keep category, channel, priority, status and dates; their words go. */
  async eraseMember(memberId: string): Promise<void> {
    const ids = (await this.db.select({ id: complaints.id }).from(complaints).where(eq(complaints.memberId, memberId))).map((r) => r.id);
    if (ids.length > 0) await this.db.delete(complaintMessages).where(inArray(complaintMessages.complaintId, ids));
    await this.db.update(complaints).set({ memberId: null, subject: null }).where(eq(complaints.memberId, memberId));
    await this.db.delete(memberTiers).where(eq(memberTiers.memberId, memberId));
  }

  /** TierChanged: the member's current tier, for their complaints' priority; a change older than the one kept is ignored (at the same instant, the later delivery wins). */
  async setTier(memberId: string, tier: TierCode, changedAt: Date): Promise<void> {
    await this.db
      .insert(memberTiers)
      .values({ memberId, tier, changedAt })
      .onConflictDoUpdate({ target: memberTiers.memberId, set: { tier, changedAt }, setWhere: lte(memberTiers.changedAt, changedAt) });
  }

  /** BenefitChangeAnnounced: the change objections may link to. */
  async recordBenefitChange(change: { changeId: string; tier: TierCode; benefit: string; effectiveAt: Date }): Promise<void> {
    await this.db
      .insert(benefitChanges)
      .values(change)
      .onConflictDoUpdate({
        target: benefitChanges.changeId,
        set: { tier: change.tier, benefit: change.benefit, effectiveAt: change.effectiveAt },
      });
  }
}
