import { encodeCursor, groupedLoader, keyedLoader, toConnection, type Connection, type Cursor } from '@membership/subgraph';
import type {
  ConsentRecordRow,
  DataExportRow,
  ErasureRequestRow,
  Member,
  NoticeRow,
  PiiAccessRow,
  PolicyAcceptanceRow,
  PolicyVersionRow,
  ProfileChangeRow,
  Verification,
} from './domain/records.js';
import type { IdentityStores } from './domain/stores.js';
import { effectiveLevel, type VerificationLevel } from './domain/verification-rules.js';

/** How many of a member's verifications Member.verifications lists, newest first. */
const RECENT_VERIFICATIONS = 20;

/** Which page of whose inbox a field asks for. */
export interface InboxPageKey {
  memberId: string;
  first: number;
  after?: Cursor;
  unreadOnly: boolean;
}

const noticeCursor = (row: NoticeRow): Cursor => ({ at: row.createdAt, id: row.id });

/** How many profile corrections Member.profileChanges lists, newest first. */
const PROFILE_CHANGES = 50;

/** How many consent records Consents.history lists, newest first. */
const CONSENT_HISTORY = 100;

/** How many of a member's data exports Member.dataExports lists, newest first. */
const RECENT_EXPORTS = 20;

/** Which page of whose PII access log a field asks for. */
export interface PiiAccessPageKey {
  memberId: string;
  first: number;
  after?: Cursor;
}

const pageHash = (key: PiiAccessPageKey) => `${key.memberId}|${key.first}|${key.after ? encodeCursor(key.after) : ''}`;

const piiAccessCursor = (row: PiiAccessRow): Cursor => ({ at: row.accessedAt, id: row.id });

const emptyConnection = (): Connection<PiiAccessRow> => ({ edges: [], pageInfo: { hasNextPage: false, endCursor: null } });

/**
 * Per-request loaders: every member lookup in one request is one query, and every
 * member's page of the PII access log is one more, however many members it touches.
 */
export function createLoaders(stores: IdentityStores, now: () => Date) {
  let currentPolicies: Promise<PolicyVersionRow[]> | undefined;
  return {
    /** A page of each member's inbox: one query for all members asking the same page shape. */
    inbox: groupedLoader<InboxPageKey, Connection<NoticeRow>>(
      (key) => `${key.memberId}|${key.first}|${key.after ? encodeCursor(key.after) : ''}|${key.unreadOnly}`,
      async (group) => {
        const { first, after, unreadOnly } = group[0]!;
        const pages = await stores.inbox.pagesForMembers(
          group.map((k) => k.memberId),
          first,
          after,
          unreadOnly,
        );
        return new Map([...pages].map(([memberId, rows]) => [memberId, toConnection(rows, first, noticeCursor)]));
      },
      () => ({ edges: [], pageInfo: { hasNextPage: false, endCursor: null } }),
    ),
    /** Each member's unread notices: one query for all. */
    unreadNotices: keyedLoader<number>((ids) => stores.inbox.unreadCounts(ids), 0),
    /** Each member's newest profile corrections: one query for all. */
    profileChanges: keyedLoader<ProfileChangeRow[]>((ids) => stores.members.profileChangesFor(ids, PROFILE_CHANGES), []),
    /** The current policy versions, read once per request. */
    currentPolicies: () => (currentPolicies ??= stores.consents.currentPolicies(now())),
    /** Each member's accepted policy versions: one query for all. */
    policyAcceptances: keyedLoader<PolicyAcceptanceRow[]>((ids) => stores.consents.acceptancesFor(ids), []),
    /** Each member's consents in force: one query for all. */
    consentsInForce: keyedLoader<ConsentRecordRow[]>((ids) => stores.consents.inForceFor(ids), []),
    /** Each member's newest consent records: one query for all. */
    consentHistory: keyedLoader<ConsentRecordRow[]>((ids) => stores.consents.historyFor(ids, CONSENT_HISTORY), []),
    /** Each member's newest data exports: one query for all. */
    dataExports: keyedLoader<DataExportRow[]>((ids) => stores.exports.recentFor(ids, RECENT_EXPORTS), []),
    /** Each member's newest erasure request: one query for all. */
    erasureRequest: keyedLoader<ErasureRequestRow | null>((ids) => stores.erasures.latestFor(ids), null),
    /** Each member's verification level now, from their approved verifications: one query for all. */
    verificationLevel: keyedLoader<{ level: VerificationLevel; expiresAt: Date | null }>(
      async (ids) => {
        const approved = await stores.verifications.approvedFor(ids);
        const at = now();
        return new Map(ids.map((id) => [id, effectiveLevel(approved.get(id) ?? [], at)]));
      },
      { level: 'none', expiresAt: null },
    ),
    /** Each member's newest verifications, decrypted: one query for all. */
    verifications: keyedLoader<Verification[]>((ids) => stores.verifications.recentFor(ids, RECENT_VERIFICATIONS), []),
    /** Whether each member is refused now (declined, or a submission found false): one query for all. */
    verificationRefused: keyedLoader<boolean>(async (ids) => {
      const refused = await stores.verifications.refusedAmong(ids);
      return new Map(ids.map((id) => [id, refused.has(id)]));
    }, false),
    /** Each member's live approved enterprise verification: one query for all. */
    enterpriseVerification: keyedLoader<Verification | null>((ids) => stores.verifications.enterpriseFor(ids, now()), null),
    memberById: keyedLoader<Member | null>((ids) => stores.members.byIds(ids), null),
    /**
     * The PII categories (upper case) each member lets a partner see now: one query per partner
     * for every member in the request, however many members and fields a partner's list reads.
     */
    partnerConsentCategories: groupedLoader<{ partnerId: string; memberId: string }, ReadonlySet<string>>(
      (key) => `${key.partnerId}|${key.memberId}`,
      async (group) => {
        const grants = await stores.partners.consentGrants(
          group[0]!.partnerId,
          group.map((k) => k.memberId),
          now(),
        );
        const byMember = new Map<string, Set<string>>();
        for (const grant of grants)
          byMember.set(grant.memberId, (byMember.get(grant.memberId) ?? new Set()).add(grant.category.toUpperCase()));
        return byMember;
      },
      () => new Set<string>(),
    ),
    piiAccessLog: groupedLoader<PiiAccessPageKey, Connection<PiiAccessRow>>(
      pageHash,
      async (group) => {
        const { first, after } = group[0]!;
        const pages = await stores.piiAccessLog.pagesForMembers(
          group.map((k) => k.memberId),
          first,
          after,
        );
        const connections = new Map<string, Connection<PiiAccessRow>>();
        for (const [memberId, rows] of pages) connections.set(memberId, toConnection(rows, first, piiAccessCursor));
        return connections;
      },
      emptyConnection,
    ),
  };
}

export type IdentityLoaders = ReturnType<typeof createLoaders>;
