import type { Database } from '@membership/db';
import type { PointsReason } from '../domain/balance.js';
import { creditPoints, postChange } from '../domain/ledger.js';
import { PointsRepository } from './points-repository.js';

export interface SeedPointsOptions {
  database: Database;
  /** The demo members, in DEMO_MEMBERS order (Ana, Bo, Chen, Dee). */
  memberIds: string[];
  now: Date;
}

interface SeedEntry {
  delta: number;
  reason: PointsReason;
}

/** What each demo member has done since the welcome credit, oldest first; by position in memberIds. */
const PLAN: SeedEntry[][] = [
  // Ana: two orders and a correction, so her history pages.
  [
    { delta: 120, reason: 'ORDER' },
    { delta: 80, reason: 'ORDER' },
    { delta: -30, reason: 'ADJUSTMENT' },
  ],
  // Bo: one order.
  [{ delta: 45, reason: 'ORDER' }],
];

/**
 * Adds a few ledger entries for the demo members through the same path real changes
 * take, so balances stay equal to their ledgers. The welcome credit is not here: the
 * MemberRegistered consumer gives it. Keys are fixed, so seeding twice changes nothing.
 */
export async function seedPoints({ database, memberIds, now }: SeedPointsOptions): Promise<void> {
  const points = new PointsRepository(database.db);
  for (const [m, memberId] of memberIds.entries()) {
    const entries = PLAN[m] ?? [];
    if (entries.length === 0) continue;
    // Normally already open from MemberRegistered; opening again is a no-op.
    await points.openAccount(memberId, now);
    for (const [i, entry] of entries.entries()) {
      // A millisecond apart, after `now`, so they follow the welcome credit in the history.
      const change = { memberId, reason: entry.reason, idempotencyKey: `seed:${memberId}:${i}`, at: new Date(now.getTime() + i + 1) };
      if (entry.delta > 0) await creditPoints(points, { ...change, points: entry.delta });
      else await postChange(points, { ...change, delta: entry.delta });
    }
  }
}
