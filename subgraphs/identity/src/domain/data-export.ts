import { isUniqueViolation } from '@membership/db';
import type { Logger } from '@membership/config';
import { notFound } from '@membership/subgraph';
import type { DataExportRow, DataExportsRepository } from '../db/data-exports-repository.js';
import type { MembersRepository } from '../db/members-repository.js';
import type { PiiAccessLogRepository } from '../db/pii-access-log-repository.js';
import type { VerificationsRepository } from '../db/verifications-repository.js';
import type { FetchExportPart } from '../export-client.js';
import { checkCanRequestExport, exportDocument, exportExpiresAt, identityExport, isDownloadable, type ExportPolicy } from './data-export-rules.js';
import { effectiveLevel } from './verification-rules.js';

/** How many PII accesses at most go into one export (newest kept). */
export const EXPORT_PII_ACCESS_LIMIT = 10_000;

export interface DataExportDeps {
  exports: DataExportsRepository;
  members: MembersRepository;
  verifications: VerificationsRepository;
  piiAccessLog: PiiAccessLogRepository;
  policy: ExportPolicy;
  /** Where each other subgraph answers memberDataExport, by name. */
  subgraphUrls: Record<string, string>;
  fetchPart: FetchExportPart;
  /** Extra parts of identity's own document, e.g. consents; each gets the member id. */
  identityExtras?: (memberId: string) => Promise<Record<string, unknown>>;
  now: () => Date;
  logger: Logger;
}

/** The signed-in member asks for an export of their data; the job prepares it. */
export async function requestDataExport(deps: DataExportDeps, memberId: string): Promise<DataExportRow> {
  checkCanRequestExport(await deps.exports.pendingFor(memberId));
  try {
    return await deps.exports.create(memberId, deps.now());
  } catch (error) {
    if (isUniqueViolation(error)) checkCanRequestExport({ requestedAt: deps.now() });
    throw error;
  }
}

/** One of the member's exports; anyone else's is NOT_FOUND, as if it did not exist. */
export async function dataExportOf(deps: DataExportDeps, memberId: string, id: string): Promise<DataExportRow> {
  const row = await deps.exports.byIdForMember(id, memberId);
  if (!row) throw notFound('There is no data export with this id.');
  return row;
}

/** The document while the export is ready and not expired; null otherwise. */
export async function downloadJson(deps: DataExportDeps, row: DataExportRow): Promise<string | null> {
  return isDownloadable(row, deps.now()) ? deps.exports.document(row) : null;
}

/** What one run of the export job did. */
export interface ExportRun {
  ready: string[];
  failed: string[];
  /** Documents dropped because their export expired. */
  expired: number;
}

/** Identity's own part of one member's export. */
async function identityPart(deps: DataExportDeps, memberId: string, now: Date) {
  const member = await deps.members.byId(memberId);
  if (!member) throw new Error('member not found');
  const approved = (await deps.verifications.approvedFor([memberId])).get(memberId) ?? [];
  const accesses = await deps.piiAccessLog.pageForMember(memberId, EXPORT_PII_ACCESS_LIMIT - 1);
  return identityExport({
    memberId,
    exportedAt: now,
    profile: member,
    verification: effectiveLevel(approved, now),
    piiAccessLog: accesses,
    extra: deps.identityExtras ? await deps.identityExtras(memberId) : undefined,
  });
}

/**
 * The export job: drops expired documents, then assembles every pending export (at most
 * `limit`): identity's own part and each other subgraph's memberDataExport, stored
 * sealed with the member's data key. A part that cannot be had fails that export
 * (the member may ask again); the others go on.
 */
export async function runPendingExports(deps: DataExportDeps, now: Date, limit = 50): Promise<ExportRun> {
  const run: ExportRun = { ready: [], failed: [], expired: await deps.exports.dropExpired(now) };
  for (const request of await deps.exports.pending(limit)) {
    try {
      const parts: Record<string, unknown> = {};
      for (const [name, url] of Object.entries(deps.subgraphUrls)) parts[name] = await deps.fetchPart(name, url, request.memberId);
      const document = exportDocument({
        memberId: request.memberId,
        requestedAt: request.requestedAt,
        exportedAt: now,
        identity: await identityPart(deps, request.memberId, now),
        parts,
      });
      await deps.exports.complete(request.id, request.memberId, JSON.stringify(document), now, exportExpiresAt(now, deps.policy));
      run.ready.push(request.id);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      deps.logger.warn('data export failed', { dataExportId: request.id, reason });
      await deps.exports.fail(request.id, reason.slice(0, 500));
      run.failed.push(request.id);
    }
  }
  return run;
}
