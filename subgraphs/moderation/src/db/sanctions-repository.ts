import { randomUUID } from 'node:crypto';
import { and, asc, eq, gt, inArray, isNull, lte, or, sql } from 'drizzle-orm';
import type { Db } from '@membership/db';
import { conflict, forbidden, notFound } from '@membership/domain';
import { recordEvent } from '@membership/events';
import { appealDeadline, decideSanction, type LadderPolicy, type Severity } from '../domain/ladder.js';
import type { ReportCategory } from '../domain/reports.js';
import { appeals, outbox, reportSubmissions, reports, sanctions, violations } from './schema.js';
import { lockKey, logStaffOperation, recordEvents, type PendingEvent, type StaffActor } from './staff-log.js';

export type SanctionRow = typeof sanctions.$inferSelect;
export type ViolationRow = typeof violations.$inferSelect;
export type AppealRow = typeof appeals.$inferSelect;

/** A violation as staff record it. */
export interface NewViolation {
  memberId: string;
  category: ReportCategory;
  severity: Severity;
  evidence: string;
  evidenceRefs: string[];
  reportId: string | null;
}

/** Moderation's notice words live in identity's catalogue (notice-templates/moderation.ts). */
const day = (d: Date) => d.toISOString().slice(0, 10);

function notice(
  memberId: string,
  template: string,
  params: Record<string, string | number | null>,
  dedupeKey: string,
  at: Date,
): PendingEvent {
  return { type: 'MemberNoticeRequested', payload: { memberId, template, params, outOfApp: true, dedupeKey }, at };
}
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
      await recordEvent(
        tx as unknown as Db,
        outbox,
        'SanctionApplied',
        {
          sanctionId: sanction.id,
          memberId: sanction.memberId,
          kind: sanction.kind,
          effectiveAt: sanction.startsAt.toISOString(),
          endsAt: sanction.endsAt?.toISOString() ?? null,
        },
        { now: sanction.createdAt },
      );
      return true;
    });
  }

  /**
   * Records a violation and the sanction the ladder gives it, in one transaction with the
   * member's notice (and SanctionApplied when the severity takes effect at once) and the
   * staff log entry. Violations of one member are recorded one at a time, so two recorded
   * together still climb the ladder.
   */
  async recordViolation(
    input: NewViolation,
    policy: { ladder: LadderPolicy; appealWindowMs: number },
    staff: StaffActor,
    now: Date,
  ): Promise<{ violation: ViolationRow; sanction: SanctionRow }> {
    return this.db.transaction(async (txn) => {
      const tx = txn as unknown as Db;
      await lockKey(tx, `violations:${input.memberId}`);
      if (input.reportId) {
        const [report] = await tx
          .update(reports)
          .set({ status: 'ACTIONED', decidedBy: staff.staffId, decidedAt: now })
          .where(and(eq(reports.id, input.reportId), eq(reports.status, 'OPEN'), eq(reports.subjectMemberId, input.memberId)))
          .returning({ id: reports.id });
        if (!report) throw notFound('There is no open report with this id about this member.');
      }
      const earlier = await tx
        .select({ at: violations.recordedAt })
        .from(violations)
        .where(and(eq(violations.memberId, input.memberId), isNull(violations.reversedAt)));
      const decision = decideSanction(
        input.severity,
        earlier.map((e) => e.at),
        now,
        policy.ladder,
      );
      const violationId = randomUUID();
      const sanctionId = randomUUID();
      const [violation] = await tx
        .insert(violations)
        .values({ id: violationId, ...input, recordedBy: staff.staffId, recordedAt: now, rung: decision.rung })
        .returning();
      const appealUntil = appealDeadline(now, policy.appealWindowMs);
      const [sanction] = await tx
        .insert(sanctions)
        .values({
          id: sanctionId,
          memberId: input.memberId,
          kind: decision.kind,
          reason: input.evidence,
          status: decision.immediate ? 'ACTIVE' : 'SCHEDULED',
          startsAt: decision.effectiveAt,
          endsAt: decision.endsAt,
          createdAt: now,
          violationId,
          announcedAt: now,
          appealUntil,
        })
        .returning();
      const events: PendingEvent[] = [
        notice(
          input.memberId,
          'moderation.sanction_announced',
          {
            sanctionId,
            kind: decision.kind,
            date: day(decision.effectiveAt),
            endsAt: decision.endsAt ? day(decision.endsAt) : 'until lifted',
            violation: input.category,
            evidence: input.evidence,
            appealUntil: day(appealUntil),
          },
          `sanction:${sanctionId}:announced`,
          now,
        ),
      ];
      if (decision.immediate) {
        events.push({
          type: 'SanctionApplied',
          payload: {
            sanctionId,
            memberId: input.memberId,
            kind: decision.kind,
            effectiveAt: now.toISOString(),
            endsAt: decision.endsAt?.toISOString() ?? null,
          },
          at: now,
        });
      }
      await recordEvents(tx, events);
      await logStaffOperation(
        tx,
        staff,
        now,
        'violation.record',
        { type: 'Violation', id: violationId },
        {
          category: input.category,
          severity: input.severity,
          sanctionId,
          kind: decision.kind,
          rung: decision.rung,
          reportId: input.reportId,
        },
      );
      return { violation: violation!, sanction: sanction! };
    });
  }

  /**
   * The scheduled pass: every announced sanction whose date has come takes effect
   * (SanctionApplied with effectiveAt and endsAt), then every one whose end has passed is
   * lifted (SanctionLifted, reason expired) and the member told. Set-based, in batches of
   * `batchSize` rows per transaction (an update of the rows a subquery picks, then one
   * insert of their events), until none is left.
   */
  async runDue(now: Date, batchSize = 1000): Promise<{ applied: number; expired: number }> {
    let applied = 0;
    let expired = 0;
    for (;;) {
      const n = await this.applyDue(now, batchSize);
      applied += n;
      if (n < batchSize) break;
    }
    for (;;) {
      const n = await this.expireDue(now, batchSize);
      expired += n;
      if (n < batchSize) break;
    }
    return { applied, expired };
  }

  private async applyDue(now: Date, batchSize: number): Promise<number> {
    return this.db.transaction(async (txn) => {
      const tx = txn as unknown as Db;
      const due = tx
        .select({ id: sanctions.id })
        .from(sanctions)
        .where(and(eq(sanctions.status, 'SCHEDULED'), lte(sanctions.startsAt, now)))
        .limit(batchSize)
        .for('update', { skipLocked: true });
      const rows = await tx.update(sanctions).set({ status: 'ACTIVE' }).where(inArray(sanctions.id, due)).returning();
      await recordEvents(
        tx,
        rows.flatMap((s) =>
          s.memberId
            ? [
                {
                  type: 'SanctionApplied' as const,
                  payload: {
                    sanctionId: s.id,
                    memberId: s.memberId,
                    kind: s.kind,
                    effectiveAt: s.startsAt.toISOString(),
                    endsAt: s.endsAt?.toISOString() ?? null,
                  },
                  at: s.startsAt,
                },
              ]
            : [],
        ),
      );
      return rows.length;
    });
  }

  private async expireDue(now: Date, batchSize: number): Promise<number> {
    return this.db.transaction(async (txn) => {
      const tx = txn as unknown as Db;
      const due = tx
        .select({ id: sanctions.id })
        .from(sanctions)
        .where(and(eq(sanctions.status, 'ACTIVE'), lte(sanctions.endsAt, now)))
        .limit(batchSize)
        .for('update', { skipLocked: true });
      const rows = await tx
        .update(sanctions)
        .set({ status: 'LIFTED', liftReason: 'expired', liftedAt: now })
        .where(inArray(sanctions.id, due))
        .returning();
      await recordEvents(
        tx,
        rows.flatMap((s) =>
          s.memberId
            ? [
                {
                  type: 'SanctionLifted' as const,
                  payload: { sanctionId: s.id, memberId: s.memberId, kind: s.kind, reason: 'expired' as const },
                  at: s.endsAt ?? now,
                },
                notice(
                  s.memberId,
                  'moderation.sanction_lifted',
                  { sanctionId: s.id, kind: s.kind, reason: 'it expired' },
                  `sanction:${s.id}:lifted`,
                  s.endsAt ?? now,
                ),
              ]
            : [],
        ),
      );
      return rows.length;
    });
  }

  /** Files the member's appeal against their own sanction, within its window, once. */
  async fileAppeal(memberId: string, sanctionId: string, statement: string, now: Date): Promise<AppealRow> {
    return this.db.transaction(async (txn) => {
      const tx = txn as unknown as Db;
      const [sanction] = await tx
        .select()
        .from(sanctions)
        .where(and(eq(sanctions.id, sanctionId), eq(sanctions.memberId, memberId)));
      if (!sanction) throw notFound('You have no sanction with this id.');
      if (sanction.status === 'LIFTED') throw conflict('This sanction is already lifted; there is nothing to appeal.');
      if (!sanction.appealUntil || now.getTime() > sanction.appealUntil.getTime()) {
        throw conflict(
          sanction.appealUntil
            ? `The appeal window for this sanction closed on ${sanction.appealUntil.toISOString()}.`
            : 'This sanction cannot be appealed.',
        );
      }
      const [appeal] = await tx
        .insert(appeals)
        .values({ id: randomUUID(), sanctionId, memberId, statement, status: 'PENDING', filedAt: now })
        .onConflictDoNothing()
        .returning();
      if (!appeal) throw conflict('You have already appealed this sanction.');
      return appeal;
    });
  }

  /**
   * Decides a pending appeal. The staff member who recorded the violation may not decide
   * it. A reversal lifts the sanction (SanctionLifted, reason appeal, when it had taken
   * effect, so consumers restore the tier and benefits), takes the violation off the
   * ladder, and tells the member; so does an upheld appeal.
   */
  async decideAppeal(appealId: string, reverse: boolean, note: string, staff: StaffActor, now: Date): Promise<AppealRow> {
    return this.db.transaction(async (txn) => {
      const tx = txn as unknown as Db;
      const [found] = await tx
        .select({ appeal: appeals, sanction: sanctions, recordedBy: violations.recordedBy })
        .from(appeals)
        .innerJoin(sanctions, eq(sanctions.id, appeals.sanctionId))
        .leftJoin(violations, eq(violations.id, sanctions.violationId))
        .where(eq(appeals.id, appealId));
      if (!found) throw notFound('There is no appeal with this id.');
      const { appeal, sanction } = found;
      if (appeal.status !== 'PENDING') throw conflict(`This appeal was already decided (${appeal.status.toLowerCase()}).`);
      if (found.recordedBy === staff.staffId) {
        throw forbidden('You recorded this violation; another staff member must decide its appeal.');
      }
      const [decided] = await tx
        .update(appeals)
        .set({ status: reverse ? 'REVERSED' : 'UPHELD', decidedBy: staff.staffId, decidedAt: now, decisionNote: note })
        // Conditional: of two staff deciding at once, one wins and the other gets CONFLICT.
        .where(and(eq(appeals.id, appealId), eq(appeals.status, 'PENDING')))
        .returning();
      if (!decided) throw conflict('This appeal was decided by someone else a moment ago.');
      const events: PendingEvent[] = [];
      const memberId = sanction.memberId;
      if (reverse && sanction.status !== 'LIFTED') {
        await tx.update(sanctions).set({ status: 'LIFTED', liftReason: 'appeal', liftedAt: now }).where(eq(sanctions.id, sanction.id));
        if (sanction.violationId) await tx.update(violations).set({ reversedAt: now }).where(eq(violations.id, sanction.violationId));
        // Consumers only saw a sanction that took effect; one still scheduled is simply cancelled.
        if (sanction.status === 'ACTIVE' && memberId) {
          events.push({
            type: 'SanctionLifted',
            payload: { sanctionId: sanction.id, memberId, kind: sanction.kind, reason: 'appeal' },
            at: now,
          });
        }
      }
      if (memberId) {
        events.push(
          notice(
            memberId,
            reverse ? 'moderation.appeal_reversed' : 'moderation.appeal_upheld',
            { sanctionId: sanction.id, kind: sanction.kind, appealId },
            `appeal:${appealId}:decided`,
            now,
          ),
        );
      }
      await recordEvents(tx, events);
      await logStaffOperation(
        tx,
        staff,
        now,
        'appeal.decide',
        { type: 'Appeal', id: appealId },
        {
          decision: reverse ? 'REVERSE' : 'UPHOLD',
          sanctionId: sanction.id,
          kind: sanction.kind,
        },
      );
      return decided;
    });
  }

  /**
   * Staff lift a sanction before its end. One that had taken effect emits SanctionLifted
   * (reason staff) so consumers restore what it took; one still scheduled is cancelled.
   * The member is told either way.
   */
  async liftByStaff(sanctionId: string, note: string, staff: StaffActor, now: Date): Promise<SanctionRow> {
    return this.db.transaction(async (txn) => {
      const tx = txn as unknown as Db;
      const [before] = await tx.select().from(sanctions).where(eq(sanctions.id, sanctionId)).for('update');
      if (!before || !before.memberId) throw notFound('There is no sanction with this id.');
      if (before.status === 'LIFTED') throw conflict('This sanction is already lifted.');
      const [lifted] = await tx
        .update(sanctions)
        .set({ status: 'LIFTED', liftReason: 'staff', liftedAt: now })
        .where(eq(sanctions.id, sanctionId))
        .returning();
      const events: PendingEvent[] = [
        notice(
          before.memberId,
          'moderation.sanction_lifted',
          { sanctionId, kind: before.kind, reason: 'our staff lifted it' },
          `sanction:${sanctionId}:lifted`,
          now,
        ),
      ];
      if (before.status === 'ACTIVE') {
        events.push({
          type: 'SanctionLifted',
          payload: { sanctionId, memberId: before.memberId, kind: before.kind, reason: 'staff' },
          at: now,
        });
      }
      await recordEvents(tx, events);
      await logStaffOperation(
        tx,
        staff,
        now,
        'sanction.lift',
        { type: 'Sanction', id: sanctionId },
        { kind: before.kind, was: before.status, note },
      );
      return lifted!;
    });
  }

  /** Pending appeals, oldest first. */
  async pendingAppeals(first: number): Promise<AppealRow[]> {
    return this.db.select().from(appeals).where(eq(appeals.status, 'PENDING')).orderBy(asc(appeals.filedAt), asc(appeals.id)).limit(first);
  }

  /** The sanction each violation earned, in one statement. */
  async ofViolations(violationIds: readonly string[]): Promise<Map<string, SanctionRow>> {
    const rows = await this.db
      .select()
      .from(sanctions)
      .where(inArray(sanctions.violationId, [...violationIds]));
    return new Map(rows.map((r) => [r.violationId!, r]));
  }

  /** Sanctions by id, in one statement. */
  async byIds(ids: readonly string[]): Promise<Map<string, SanctionRow>> {
    const rows = await this.db
      .select()
      .from(sanctions)
      .where(inArray(sanctions.id, [...ids]));
    return new Map(rows.map((r) => [r.id, r]));
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
    // Violations and appeals keep category, severity, status and dates; their words go.
    await this.db
      .update(violations)
      .set({ memberId: null, evidence: null, evidenceRefs: [], erasedAt })
      .where(eq(violations.memberId, memberId));
    await this.db.update(appeals).set({ memberId: null, statement: null, decisionNote: null }).where(eq(appeals.memberId, memberId));
    // Reports about them lose the subject and what reporters wrote about them (free text that
    // describes them); what they reported loses who and what they wrote.
    await this.db
      .update(reportSubmissions)
      .set({ details: null })
      .where(
        inArray(reportSubmissions.reportId, this.db.select({ id: reports.id }).from(reports).where(eq(reports.subjectMemberId, memberId))),
      );
    await this.db.update(reports).set({ subjectMemberId: null }).where(eq(reports.subjectMemberId, memberId));
    await this.db
      .update(reportSubmissions)
      .set({ reporter: 'erased', details: null })
      .where(eq(reportSubmissions.reporter, `member:${memberId}`));
    return { sanctions: anonymised.length };
  }
}
