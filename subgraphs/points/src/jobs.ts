import type { Db } from '@membership/db';
import type { JobDefinition } from '@membership/jobs';
import { PointsRepository } from './db/points-repository.js';
import { makeAvailableIn } from './domain/orders.js';
import type { PointsPolicy } from './domain/policy.js';

const DAY_MS = 86_400_000;
/** How many earnings one run makes available; the next run takes the rest. */
const BATCH = 500;

/**
 * Points' scheduled work: due lots expire and members with points expiring soon are told
 * and holds orders never committed go back to the member (set-based, one statement each after
 * locking the members' accounts); orders' pending points whose return window ended become
 * available (one transaction per order: each pays its member's debt first).
 */
export function pointsJobs(db: Db, policy: PointsPolicy): JobDefinition[] {
  const repository = new PointsRepository(db, policy.anniversary);
  return [
    {
      name: 'points.expiry',
      every: '1h',
      async run({ now }) {
        const expired = await repository.transaction((tx) => tx.expireDue(now));
        const noticed = await repository.transaction((tx) => tx.announceExpiring(now, new Date(now.getTime() + policy.expiringNoticeDays * DAY_MS)));
        return { ...expired, noticed };
      },
    },
    {
      name: 'points.earnings',
      every: '15m',
      async run({ now }) {
        let available = 0;
        // One transaction per order: an earning pays a debt and makes a lot under its member's account lock.
        for (const orderId of await repository.dueEarnings(now, BATCH)) {
          if (await repository.transaction((tx) => makeAvailableIn(tx, orderId, now, policy))) available++;
        }
        return { available };
      },
    },
    {
      name: 'points.holds',
      every: '5m',
      async run({ now }) {
        return repository.transaction((tx) => tx.releaseExpiredHolds(now));
      },
    },
  ];
}
