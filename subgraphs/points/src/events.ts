import type { Db } from '@membership/db';
import { EventConsumer, type ConsumerOptions, type EventHandlers } from '@membership/events';
import { PointsRepository } from './db/points-repository.js';
import { inbox } from './db/schema.js';
import { welcomeMember } from './domain/ledger.js';

/** What points does with each event it consumes; each handler writes only through `tx`. */
export const pointsHandlers = {
  MemberRegistered: async (tx, event) => {
    await welcomeMember(new PointsRepository(tx), event.payload.memberId, new Date(event.payload.registeredAt));
  },
  // Points are a promotional benefit, not money: nothing is kept (docs/DATA-RETENTION.md).
  MemberErased: async (tx, event) => {
    await new PointsRepository(tx).eraseMember(event.payload.memberId);
  },
} satisfies EventHandlers;

/** Points' queue reader. Tests may swap handlers or the retry delay. */
export function createPointsConsumer(
  db: Db,
  options: Partial<Omit<ConsumerOptions, 'name' | 'inbox'>> = {},
): EventConsumer {
  return new EventConsumer(db, { name: 'points', inbox, handlers: pointsHandlers, ...options });
}
