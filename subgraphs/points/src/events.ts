import type { Db } from '@membership/db';
import { EventConsumer, type ConsumerOptions, type EventHandlers } from '@membership/events';
import { PointsRepository } from './db/points-repository.js';
import { inbox } from './db/schema.js';
import { welcomeMember } from './domain/ledger.js';
import { expiryOf } from './domain/lots.js';
import { orderPaidIn, refundCompletedIn, releaseHoldIn } from './domain/orders.js';
import { DEFAULT_POLICY, type PointsPolicy } from './domain/policy.js';
import { activityTaskIn, profileCompletedIn } from './domain/tasks.js';

/** What points does with each event it consumes, under `policy`; each handler writes only through `tx`. */
export function pointsHandlersFor(policy: PointsPolicy) {
  return {
    MemberRegistered: async (tx, event) => {
      const at = new Date(event.payload.registeredAt);
      await welcomeMember(new PointsRepository(tx, policy.anniversary), event.payload.memberId, at, expiryOf(at, policy.expiry));
    },
    OrderPaid: async (tx, event) => {
      await orderPaidIn(new PointsRepository(tx, policy.anniversary), event.payload, policy);
    },
    OrderCancelled: async (tx, event) => {
      if (event.payload.pointsHoldId)
        await releaseHoldIn(
          new PointsRepository(tx, policy.anniversary),
          event.payload.memberId,
          event.payload.pointsHoldId,
          new Date(event.payload.cancelledAt),
        );
    },
    RefundCompleted: async (tx, event) => {
      const at = event.payload.completedAt ? new Date(event.payload.completedAt) : event.occurredAt;
      await refundCompletedIn(new PointsRepository(tx, policy.anniversary), event.payload, at);
    },
    TierChanged: async (tx, event) => {
      await new PointsRepository(tx, policy.anniversary).setTier(
        event.payload.memberId,
        event.payload.to,
        event.payload.pointsMultiplierPercent,
        event.occurredAt,
      );
    },
    // A tier's multiplier changed on its date: every member of the tier earns at it from now
    // on, in one statement, whether or not their tier changed.
    TierBenefitChangeApplied: async (tx, event) => {
      const { tier, pointsMultiplierPercent, appliedAt } = event.payload;
      if (pointsMultiplierPercent !== null)
        await new PointsRepository(tx, policy.anniversary).setTierMultiplier(tier, pointsMultiplierPercent, new Date(appliedAt));
    },
    SanctionApplied: async (tx, event) => {
      const { sanctionId, memberId, kind, endsAt } = event.payload;
      await new PointsRepository(tx, policy.anniversary).sanctionApplied({
        sanctionId,
        memberId,
        kind,
        endsAt: endsAt ? new Date(endsAt) : null,
      });
    },
    SanctionLifted: async (tx, event) => {
      const { sanctionId, memberId, kind } = event.payload;
      await new PointsRepository(tx, policy.anniversary).sanctionLifted({ sanctionId, memberId, kind }, event.occurredAt);
    },
    MemberVerificationChanged: async (tx, event) => {
      const { memberId, level, expiresAt, refused } = event.payload;
      await new PointsRepository(tx, policy.anniversary).setVerification(memberId, level, expiresAt ? new Date(expiresAt) : null, refused);
    },
    // Reviews (orders), event places used (points' store) and shares (points' OrderPaid) earn their tasks.
    MemberActivityRecorded: async (tx, event) => {
      await activityTaskIn(new PointsRepository(tx, policy.anniversary), event.payload, policy);
    },
    MemberProfileCompleted: async (tx, event) => {
      await profileCompletedIn(new PointsRepository(tx, policy.anniversary), event.payload, policy);
    },
    // Points are a promotional benefit, not money: nothing is kept (docs/DATA-RETENTION.md).
    MemberErased: async (tx, event) => {
      await new PointsRepository(tx, policy.anniversary).eraseMember(event.payload.memberId);
    },
  } satisfies EventHandlers;
}

/** Points' handlers under the default policy (tests and tools that run without an environment). */
export const pointsHandlers = pointsHandlersFor(DEFAULT_POLICY);

/** Points' queue reader. Tests may swap handlers or the retry delay. */
export function createPointsConsumer(db: Db, options: Partial<Omit<ConsumerOptions, 'name' | 'inbox'>> = {}): EventConsumer {
  return new EventConsumer(db, { name: 'points', inbox, handlers: pointsHandlers, ...options });
}
