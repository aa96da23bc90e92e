import { encodeCursor, groupedLoader, keyedLoader, toConnection, type Connection, type Cursor } from '@membership/subgraph';
import type { MemberRow, MembersRepository } from './db/members-repository.js';
import type { PiiAccessLogRepository, PiiAccessRow } from './db/pii-access-log-repository.js';

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
export function createLoaders(repositories: { members: MembersRepository; piiAccessLog: PiiAccessLogRepository }) {
  return {
    memberById: keyedLoader<MemberRow | null>((ids) => repositories.members.byIds(ids), null),
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
