import type { Logger } from '@membership/config';
import { notFound } from '@membership/domain';
import { consentsExport } from './consent-rules.js';
import {
  checkCanRequestExport,
  exportDocument,
  exportExpiresAt,
  identityExport,
  isDownloadable,
  recordsExport,
  type ExportPolicy,
} from './data-export-rules.js';
import { profileChangesExport } from './profile-rules.js';
import type { DataExportRow } from './records.js';
import {
  AlreadyExists,
  type ConsentStore,
  type DataExportStore,
  type ErasureStore,
  type InboxStore,
  type MemberStore,
  type PiiAccessStore,
  type Transaction,
  type VerificationStore,
} from './stores.js';
import { effectiveLevel } from './verification-rules.js';

/** How many PII accesses at most go into one export (newest kept). */
const EXPORT_PII_ACCESS_LIMIT = 10_000;

/** How many consent records and profile corrections at most go into one export (newest kept). */
const EXPORT_HISTORY_LIMIT = 10_000;

/** Asks one subgraph for its part of a member's export; the parsed JSON document. */
export type FetchExportPart = (subgraph: string, url: string, memberId: string) => Promise<unknown>;

export interface DataExportDeps {
  exports: DataExportStore;
  members: MemberStore;
  verifications: VerificationStore;
  piiAccessLog: PiiAccessStore;
  consents: ConsentStore;
  /** The member's inbox notices and erasure requests go into the export too. */
  inbox: Pick<InboxStore, 'pagesForMembers'>;
  erasures: Pick<ErasureStore, 'historyFor'>;
  transaction: Transaction;
  policy: ExportPolicy;
  /** Where each other subgraph answers memberDataExport, by name. */
  subgraphUrls: Record<string, string>;
  fetchPart: FetchExportPart;
  now: () => Date;
  logger: Logger;
}

/** The signed-in member asks for an export of their data; the job prepares it. */
export async function requestDataExport(deps: DataExportDeps, memberId: string): Promise<DataExportRow> {
  checkCanRequestExport(await deps.exports.pendingFor(memberId));
  try {
    return await deps.exports.create(memberId, deps.now());
  } catch (error) {
    if (error instanceof AlreadyExists) checkCanRequestExport({ requestedAt: deps.now() });
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
  const [acceptances, history, changes, submissions, notices, erasures] = await Promise.all([
    deps.consents.acceptancesFor([memberId]),
    deps.consents.historyFor([memberId], EXPORT_HISTORY_LIMIT),
    deps.members.profileChangesFor([memberId], EXPORT_HISTORY_LIMIT),
    deps.verifications.recentFor([memberId], EXPORT_HISTORY_LIMIT),
    deps.inbox.pagesForMembers([memberId], EXPORT_HISTORY_LIMIT, undefined, false),
    deps.erasures.historyFor(memberId),
  ]);
  return identityExport({
    memberId,
    exportedAt: now,
    profile: member,
    verification: effectiveLevel(approved, now),
    piiAccessLog: accesses,
    extra: {
      ...consentsExport(acceptances.get(memberId) ?? [], history.get(memberId) ?? []),
      profileChanges: profileChangesExport(changes.get(memberId) ?? []),
      ...recordsExport({
        verifications: submissions.get(memberId) ?? [],
        notices: notices.get(memberId) ?? [],
        erasureRequests: erasures,
      }),
    },
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
      const json = JSON.stringify(document);
      await deps.transaction((tx) => tx.exports.complete(request.id, request.memberId, json, now, exportExpiresAt(now, deps.policy)));
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
