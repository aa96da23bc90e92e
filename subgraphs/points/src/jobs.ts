import type { Db } from '@membership/db';
import type { JobDefinition } from '@membership/jobs';
import { PointsRepository } from './db/points-repository.js';
import { expiryOf } from './domain/lots.js';
import type { PointsPolicy } from './domain/policy.js';

const DAY_MS = 86_400_000;

/**
 * Points' scheduled work: due lots expire and members with points expiring soon are told,
 * holds orders never committed go back to the member, store redemptions staff did not
 * fulfil in time give back their stock and points, and orders' pending points whose return
 * window ended become available (debt first): each set-based, one statement after locking the
 * members' accounts.
 */
export function pointsJobs(db: Db, policy: PointsPolicy): JobDefinition[] {
  const repository = new PointsRepository(db, policy.anniversary);
  return [
    {
      name: 'points.expiry',
      every: '1h',
      async run({ now }) {
        const expired = await repository.transaction((tx) => tx.expireDue(now));
        const noticed = await repository.transaction((tx) =>
          tx.announceExpiring(now, new Date(now.getTime() + policy.expiringNoticeDays * DAY_MS)),
        );
        return { ...expired, noticed };
      },
    },
    {
      name: 'points.earnings',
      every: '15m',
      async run({ now }) {
        return repository.transaction((tx) => tx.releaseDueEarnings(now, expiryOf(now, policy.expiry)));
      },
    },
    {
      name: 'points.holds',
      every: '5m',
      async run({ now }) {
        return repository.transaction((tx) => tx.releaseExpiredHolds(now));
      },
    },
    {
      name: 'points.redemptions',
      every: '15m',
      async run({ now }) {
        return repository.transaction((tx) => tx.releaseExpiredRedemptions(now));
      },
    },
  ];
}
