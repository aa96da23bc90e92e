import { keyedLoader } from '@membership/subgraph';
import type { ComplaintMessageRow, ComplaintRow, ComplaintsRepository } from './db/complaints-repository.js';
import type { ReportSubmissionRow, ReportsRepository } from './db/reports-repository.js';
import type { SanctionRow, SanctionsRepository } from './db/sanctions-repository.js';

const NONE: SanctionRow[] = [];

/** Per-request loaders: each kind of lookup in one request is one query, however many rows ask. */
export function createLoaders(sanctions: SanctionsRepository, reports: ReportsRepository, complaints: ComplaintsRepository, now: Date) {
  return {
    unliftedSanctionsOfMember: keyedLoader<SanctionRow[]>((ids) => sanctions.unliftedOfMembers(ids, now), NONE),
    sanctionOfViolation: keyedLoader<SanctionRow | null>((ids) => sanctions.ofViolations(ids), null),
    sanctionById: keyedLoader<SanctionRow | null>((ids) => sanctions.byIds(ids), null),
    submissionsOfReport: keyedLoader<ReportSubmissionRow[]>((ids) => reports.submissionsOf(ids), []),
    complaintById: keyedLoader<ComplaintRow | null>((ids) => complaints.byIds(ids), null),
    messagesOfComplaint: keyedLoader<ComplaintMessageRow[]>((ids) => complaints.messagesOf(ids), []),
  };
}

export type ModerationLoaders = ReturnType<typeof createLoaders>;
