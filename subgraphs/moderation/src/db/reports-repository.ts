import { randomUUID } from 'node:crypto';
import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import type { Db } from '@membership/db';
import { conflict, notFound } from '@membership/domain';
import { foldInto, reportPriority, type ReportCategory, type ReportStatus } from '../domain/reports.js';
import { lockKey, logStaffOperation, type StaffActor } from './staff-log.js';
import { reportSubmissions, reports } from './schema.js';

export type ReportRow = typeof reports.$inferSelect;
export type ReportSubmissionRow = typeof reportSubmissions.$inferSelect;
/** A report as its reporter sees it: the report and when they first reported it. */
export type FiledReportRow = ReportRow & { reporterMemberId: string; reportedAt: Date };

/** A new report as the resolver hands it over. */
export interface NewReport {
  subjectMemberId: string;
  contentRef: string;
  category: ReportCategory;
  /** `member:<id>` or `staff:<id>`. */
  reporter: string;
  details: string;
}

/** All SQL about reports. */
export class ReportsRepository {
  constructor(private readonly db: Db) {}

  /**
   * Files a report, folding it into an open one of the same subject, content and category
   * when the rules say so (same reporter, or within the window); one writer per subject at
   * a time, so two people reporting at once make one report with two reporters.
   */
  async submit(report: NewReport, now: Date, windowMs: number, staff?: StaffActor): Promise<{ id: string; folded: boolean }> {
    return this.db.transaction(async (tx) => {
      await lockKey(tx as unknown as Db, `report:${report.subjectMemberId}|${report.category}|${report.contentRef}`);
      const open = await tx
        .select()
        .from(reports)
        .where(
          and(
            eq(reports.subjectMemberId, report.subjectMemberId),
            eq(reports.category, report.category),
            eq(reports.contentRef, report.contentRef),
            eq(reports.status, 'OPEN'),
          ),
        );
      const reporterRows =
        open.length === 0
          ? []
          : await tx
              .select({ reportId: reportSubmissions.reportId, reporter: reportSubmissions.reporter })
              .from(reportSubmissions)
              .where(
                inArray(
                  reportSubmissions.reportId,
                  open.map((r) => r.id),
                ),
              );
      const reportersOf = (id: string) => [...new Set(reporterRows.filter((r) => r.reportId === id).map((r) => r.reporter))];
      const target = foldInto(
        open.map((r) => ({ id: r.id, lastReportedAt: r.lastReportedAt, reporters: reportersOf(r.id) })),
        report.reporter,
        now,
        windowMs,
      );
      const id = target?.id ?? randomUUID();
      const reporters = [...new Set([...(target?.reporters ?? []), report.reporter])];
      const priority = reportPriority(
        report.category,
        reporters.length,
        reporters.some((r) => r.startsWith('staff:')),
      );
      if (target) {
        const current = open.find((r) => r.id === target.id)!;
        await tx
          .update(reports)
          .set({ submissions: current.submissions + 1, reporters: reporters.length, priority, lastReportedAt: now })
          .where(eq(reports.id, id));
      } else {
        await tx.insert(reports).values({
          id,
          subjectMemberId: report.subjectMemberId,
          contentRef: report.contentRef,
          category: report.category,
          status: 'OPEN',
          priority,
          submissions: 1,
          reporters: 1,
          firstReportedAt: now,
          lastReportedAt: now,
        });
      }
      await tx
        .insert(reportSubmissions)
        .values({ id: randomUUID(), reportId: id, reporter: report.reporter, details: report.details, createdAt: now });
      if (staff)
        await logStaffOperation(
          tx as unknown as Db,
          staff,
          now,
          'report.file',
          { type: 'Report', id },
          { category: report.category, folded: !!target },
        );
      return { id, folded: !!target };
    });
  }

  /** The queue: reports of a status, highest priority first, oldest first among equals. */
  async queue(status: ReportStatus, first: number): Promise<ReportRow[]> {
    return this.db
      .select()
      .from(reports)
      .where(eq(reports.status, status))
      .orderBy(desc(reports.priority), asc(reports.firstReportedAt), asc(reports.id))
      .limit(first);
  }

  /** Every submission of each report, oldest first, in one statement. */
  async submissionsOf(reportIds: readonly string[]): Promise<Map<string, ReportSubmissionRow[]>> {
    const rows = await this.db
      .select()
      .from(reportSubmissions)
      .where(inArray(reportSubmissions.reportId, [...reportIds]))
      .orderBy(asc(reportSubmissions.createdAt), asc(reportSubmissions.id));
    const byReport = new Map<string, ReportSubmissionRow[]>();
    for (const row of rows) byReport.set(row.reportId, [...(byReport.get(row.reportId) ?? []), row]);
    return byReport;
  }

  /** The reports a member made, newest first, each once. */
  async filedBy(memberId: string, first: number): Promise<FiledReportRow[]> {
    const rows = await this.db
      .select({ report: reports, reportedAt: reportSubmissions.createdAt })
      .from(reportSubmissions)
      .innerJoin(reports, eq(reports.id, reportSubmissions.reportId))
      .where(eq(reportSubmissions.reporter, `member:${memberId}`))
      .orderBy(desc(reportSubmissions.createdAt));
    const seen = new Set<string>();
    const filed: FiledReportRow[] = [];
    for (const row of rows) {
      if (seen.has(row.report.id)) continue;
      seen.add(row.report.id);
      filed.push({ ...row.report, reporterMemberId: memberId, reportedAt: row.reportedAt });
    }
    return filed.slice(0, first);
  }

  /** Closes an open report without a violation. */
  async dismiss(id: string, staff: StaffActor, now: Date): Promise<ReportRow> {
    return this.db.transaction(async (tx) => {
      const [row] = await tx
        .update(reports)
        .set({ status: 'DISMISSED', decidedBy: staff.staffId, decidedAt: now })
        .where(and(eq(reports.id, id), eq(reports.status, 'OPEN')))
        .returning();
      if (!row) {
        const [existing] = await tx.select({ status: reports.status }).from(reports).where(eq(reports.id, id));
        if (!existing) throw notFound('There is no report with this id.');
        throw conflict(`This report is already ${existing.status.toLowerCase()}.`);
      }
      await logStaffOperation(tx as unknown as Db, staff, now, 'report.dismiss', { type: 'Report', id });
      return row;
    });
  }
}
