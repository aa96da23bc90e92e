import type { Database } from '@membership/db';
import type { PointsReason } from '../domain/balance.js';
import { postChange } from '../domain/ledger.js';
import { expiryOf } from '../domain/lots.js';
import { DEFAULT_POLICY } from '../domain/policy.js';
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
  // Ana, Bo and Chen earn from their demo orders (orders' OrderPaid events), not from here.
  [],
  [],
  [],
  // Dee: a task, an adopted suggestion and a correction, so her history pages.
  [
    { delta: 120, reason: 'TASK' },
    { delta: 80, reason: 'SUGGESTION' },
    { delta: -30, reason: 'ADJUSTMENT' },
  ],
];

/**
 * Adds a few ledger entries for the demo members through the same path real changes
 * take, so balances stay equal to their ledgers and lots. The welcome credit is not here:
 * the MemberRegistered consumer gives it. Keys are fixed, so seeding twice changes nothing.
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
      const at = new Date(now.getTime() + i + 1);
      await postChange(points, {
        memberId,
        delta: entry.delta,
        reason: entry.reason,
        kind: entry.delta > 0 ? 'earn' : 'adjust',
        source: entry.reason === 'TASK' ? 'task' : 'staff',
        idempotencyKey: `seed:${memberId}:${i}`,
        at,
        expiresAt: expiryOf(at, DEFAULT_POLICY.expiry),
      });
    }
  }
}
