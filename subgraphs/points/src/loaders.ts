import { encodeCursor, groupedLoader, keyedLoader, type Cursor } from '@membership/subgraph';
import type { LedgerRow, PointsRepository } from './db/points-repository.js';

/** One member's page of history: which member, how many entries, after which cursor. */
export interface HistoryKey {
  memberId: string;
  first: number;
  after?: Cursor;
}

const historyHash = (key: HistoryKey) => `${key.memberId}|${key.first}|${key.after ? encodeCursor(key.after) : ''}`;

/** Per-request loaders: balances of all members in a request are one query, their histories another. */
export function createLoaders(points: PointsRepository) {
  return {
    // A member whose account is not open yet has no points.
    balance: keyedLoader<number>((ids) => points.balances(ids), 0),
    history: groupedLoader<HistoryKey, LedgerRow[]>(
      historyHash,
      (group) => points.histories(group.map((k) => k.memberId), group[0]!.first, group[0]!.after),
      () => [],
    ),
  };
}

export type PointsLoaders = ReturnType<typeof createLoaders>;
