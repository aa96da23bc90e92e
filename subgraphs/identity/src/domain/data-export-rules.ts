import type { OptionalProfile } from './profile-fields.js';
import { conflict } from '@membership/domain';

/** How long a finished export may be downloaded. */
export interface ExportPolicy {
  ttlHours: number;
}

export type ExportDisplayStatus = 'PENDING' | 'READY' | 'EXPIRED' | 'FAILED';

/** The part of an export row the rules look at. */
export interface ExportState {
  status: string;
  expiresAt: Date | null;
}

/** When an export finished at `readyAt` stops being downloadable. */
export function exportExpiresAt(readyAt: Date, policy: ExportPolicy): Date {
  return new Date(readyAt.getTime() + policy.ttlHours * 3_600_000);
}

/** What the member sees: a ready export past its expiry is EXPIRED, whether or not the job has dropped it yet. */
export function exportDisplayStatus(row: ExportState, now: Date): ExportDisplayStatus {
  if (row.status === 'ready') return row.expiresAt && row.expiresAt.getTime() <= now.getTime() ? 'EXPIRED' : 'READY';
  return row.status === 'failed' ? 'FAILED' : 'PENDING';
}

/** Whether the document may be handed out now. */
export const isDownloadable = (row: ExportState, now: Date) => exportDisplayStatus(row, now) === 'READY';

/** One export at a time: a second request while one is being prepared is CONFLICT. */
export function checkCanRequestExport(pending: { requestedAt: Date } | undefined): void {
  if (pending) throw conflict('Your data export is already being prepared. Check dataExports for when it is ready.');
}

/** The other subgraphs' parts as they answered, or why one could not be had. */
export type ExportParts = Record<string, unknown>;

/**
 * The document the member downloads: identity's part and each subgraph's part under its
 * name, with when it was asked for and assembled. Timestamps ISO 8601 UTC.
 */
export function exportDocument(input: { memberId: string; requestedAt: Date; exportedAt: Date; identity: unknown; parts: ExportParts }) {
  return {
    format: 'membership-data-export/v1',
    memberId: input.memberId,
    requestedAt: input.requestedAt.toISOString(),
    exportedAt: input.exportedAt.toISOString(),
    identity: input.identity,
    ...input.parts,
  };
}

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

/** Identity's own part: the profile decrypted, the verification level and who read the member's data. */
export function identityExport(input: {
  memberId: string;
  exportedAt: Date;
  profile: {
    displayName: string;
    email: string | null;
    phone: string | null;
    registeredAt: Date;
    emailVerifiedAt: Date | null;
    phoneVerifiedAt: Date | null;
    /** The optional fields; absent for callers that have none. */
    profile?: OptionalProfile;
    /** zh-CN | en: the language the member reads the platform in. */
    language: string;
    /** Whether must-tell notices are also emailed. */
    serviceEmails: boolean;
  };
  verification: { level: string; expiresAt: Date | null };
  piiAccessLog: {
    accessedAt: Date;
    viewerKind: string;
    viewerId: string;
    viewerRole: string | null;
    fields: string[];
    categories: string[];
    purpose: string | null;
  }[];
  extra?: Record<string, unknown>;
}) {
  const p = input.profile;
  return {
    subgraph: 'identity',
    memberId: input.memberId,
    exportedAt: input.exportedAt.toISOString(),
    profile: {
      displayName: p.displayName,
      email: p.email,
      phone: p.phone,
      registeredAt: p.registeredAt.toISOString(),
      emailVerifiedAt: iso(p.emailVerifiedAt),
      phoneVerifiedAt: iso(p.phoneVerifiedAt),
      memberType: p.profile?.memberType ?? 'individual',
      birthday: p.profile?.birthday ?? null,
      gender: p.profile?.gender ?? null,
      address: p.profile?.address ?? null,
      interests: p.profile?.interests ?? [],
      profileCompletedAt: iso(p.profile?.completedAt),
      language: p.language,
      serviceEmails: p.serviceEmails,
    },
    verification: { level: input.verification.level, expiresAt: iso(input.verification.expiresAt) },
    // Oldest first, like every other part.
    piiAccessLog: [...input.piiAccessLog]
      .sort((a, b) => a.accessedAt.getTime() - b.accessedAt.getTime())
      .map((a) => ({
        accessedAt: a.accessedAt.toISOString(),
        viewerKind: a.viewerKind,
        viewerId: a.viewerId,
        viewerRole: a.viewerRole,
        fields: a.fields,
        categories: a.categories,
        purpose: a.purpose,
      })),
    ...input.extra,
  };
}

/**
 * The member's verification submissions (with what they submitted: it is theirs), inbox
 * notices and erasure requests, oldest first, for identity's part of the export.
 */
export function recordsExport(input: {
  verifications: readonly {
    level: string;
    status: string;
    submittedAt: Date;
    decidedAt: Date | null;
    rejectionReason: string | null;
    expiresAt: Date | null;
    realName: string | null;
    idNumber: string | null;
    documentImageRef: string | null;
    faceImageRef: string | null;
    /** Absent for callers from before enterprise verification and refusal kinds. */
    rejectionKind?: string | null;
    companyName?: string | null;
    creditCode?: string | null;
    licenceDocumentRef?: string | null;
  }[];
  notices: readonly { kind: string; title: string; body: string; createdAt: Date; readAt: Date | null }[];
  erasureRequests: readonly { status: string; requestedAt: Date; dueAt: Date; cancelledAt: Date | null; completedAt: Date | null }[];
}) {
  const oldestFirst = <T>(rows: readonly T[], at: (r: T) => Date) => [...rows].sort((a, b) => at(a).getTime() - at(b).getTime());
  return {
    verificationSubmissions: oldestFirst(input.verifications, (v) => v.submittedAt).map((v) => ({
      level: v.level,
      status: v.status,
      submittedAt: v.submittedAt.toISOString(),
      decidedAt: iso(v.decidedAt),
      rejectionReason: v.rejectionReason,
      expiresAt: iso(v.expiresAt),
      realName: v.realName,
      idNumber: v.idNumber,
      documentImageRef: v.documentImageRef,
      faceImageRef: v.faceImageRef,
      rejectionKind: v.rejectionKind ?? null,
      companyName: v.companyName ?? null,
      creditCode: v.creditCode ?? null,
      licenceDocumentRef: v.licenceDocumentRef ?? null,
    })),
    inboxNotices: oldestFirst(input.notices, (n) => n.createdAt).map((n) => ({
      kind: n.kind,
      title: n.title,
      body: n.body,
      createdAt: n.createdAt.toISOString(),
      readAt: iso(n.readAt),
    })),
    erasureRequests: oldestFirst(input.erasureRequests, (e) => e.requestedAt).map((e) => ({
      status: e.status,
      requestedAt: e.requestedAt.toISOString(),
      dueAt: e.dueAt.toISOString(),
      cancelledAt: iso(e.cancelledAt),
      completedAt: iso(e.completedAt),
    })),
  };
}
