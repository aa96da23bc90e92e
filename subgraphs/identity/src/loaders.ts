import { encodeCursor, groupedLoader, keyedLoader, toConnection, type Connection, type Cursor } from '@membership/subgraph';
import type { Member, MembersRepository } from './db/members-repository.js';
import type { PiiAccessLogRepository, PiiAccessRow } from './db/pii-access-log-repository.js';
import type { Verification, VerificationsRepository } from './db/verifications-repository.js';
import { effectiveLevel, type VerificationLevel } from './domain/verification-rules.js';

/** How many of a member's verifications Member.verifications lists, newest first. */
export const RECENT_VERIFICATIONS = 20;

/** Which page of whose PII access log a field asks for. */
export interface PiiAccessPageKey {
  memberId: string;
  first: number;
  after?: Cursor;
}

const pageHash = (key: PiiAccessPageKey) => `${key.memberId}|${key.first}|${key.after ? encodeCursor(key.after) : ''}`;

export const piiAccessCursor = (row: PiiAccessRow): Cursor => ({ at: row.accessedAt, id: row.id });

const emptyConnection = (): Connection<PiiAccessRow> => ({ edges: [], pageInfo: { hasNextPage: false, endCursor: null } });

/**
 * Per-request loaders: every member lookup in one request is one query, and every
 * member's page of the PII access log is one more, however many members it touches.
 */
export function createLoaders(repositories: {
  members: MembersRepository;
  piiAccessLog: PiiAccessLogRepository;
  verifications: VerificationsRepository;
  now: () => Date;
}) {
  return {
    /** Each member's verification level now, from their approved verifications: one query for all. */
    verificationLevel: keyedLoader<{ level: VerificationLevel; expiresAt: Date | null }>(
      async (ids) => {
        const approved = await repositories.verifications.approvedFor(ids);
        const now = repositories.now();
        return new Map(ids.map((id) => [id, effectiveLevel(approved.get(id) ?? [], now)]));
      },
      { level: 'none', expiresAt: null },
    ),
    /** Each member's newest verifications, decrypted: one query for all. */
    verifications: keyedLoader<Verification[]>((ids) => repositories.verifications.recentFor(ids, RECENT_VERIFICATIONS), []),
    memberById: keyedLoader<Member | null>((ids) => repositories.members.byIds(ids), null),
    piiAccessLog: groupedLoader<PiiAccessPageKey, Connection<PiiAccessRow>>(
      pageHash,
      async (group) => {
        const { first, after } = group[0]!;
        const pages = await repositories.piiAccessLog.pagesForMembers(group.map((k) => k.memberId), first, after);
        const connections = new Map<string, Connection<PiiAccessRow>>();
        for (const [memberId, rows] of pages) connections.set(memberId, toConnection(rows, first, piiAccessCursor));
        return connections;
      },
      emptyConnection,
    ),
  };
}

export type IdentityLoaders = ReturnType<typeof createLoaders>;
