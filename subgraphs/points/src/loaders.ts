import { encodeCursor, groupedLoader, keyedLoader, type Cursor } from '@membership/subgraph';
import type { AccountRow, LedgerRow, LotRow, PointsRepository, PrizeRow } from './db/points-repository.js';
import type { PointsPolicy } from './domain/policy.js';

/** One member's page of history: which member, how many entries, after which cursor. */
export interface HistoryKey {
  memberId: string;
  first: number;
  after?: Cursor;
}

const historyHash = (key: HistoryKey) => `${key.memberId}|${key.first}|${key.after ? encodeCursor(key.after) : ''}`;

const DAY_MS = 86_400_000;

/**
 * Per-request loaders: accounts (balance and debt) of all members in a request are one
 * query, their histories another, their pending points and expiring lots one each.
 */
export function createLoaders(points: PointsRepository, now: () => Date, policy: PointsPolicy) {
  return {
    // A member whose account is not open yet has no points and no debt.
    account: keyedLoader<AccountRow | null>((ids) => points.accountsOf(ids), null),
    prizes: keyedLoader<PrizeRow[]>((ids) => points.prizesOfLotteries(ids), []),
    pending: keyedLoader<number>((ids) => points.pendingOf(ids), 0),
    expiringSoon: keyedLoader<LotRow[]>((ids) => {
      const at = now();
      return points.expiringOf(ids, at, new Date(at.getTime() + policy.expiringNoticeDays * DAY_MS));
    }, []),
    history: groupedLoader<HistoryKey, LedgerRow[]>(
      historyHash,
      (group) =>
        points.histories(
          group.map((k) => k.memberId),
          group[0]!.first,
          group[0]!.after,
        ),
      () => [],
    ),
  };
}

export type PointsLoaders = ReturnType<typeof createLoaders>;
