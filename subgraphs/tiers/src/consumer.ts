import type { Logger } from '@membership/config';
import type { Database } from '@membership/db';
import { EventConsumer, type EventHandlers } from '@membership/events';
import { inbox } from './db/schema.js';
import { TiersRepository } from './db/tiers-repository.js';
import { ENTRY_TIER } from './domain/tiers.js';

/** What tiers does with each event it consumes; each handler writes only through `tx`. */
export const tiersHandlers = {
  // A new member starts at the entry tier from the moment they registered.
  MemberRegistered: async (tx, event) => {
    await new TiersRepository(tx).enrol(event.payload.memberId, ENTRY_TIER, new Date(event.payload.registeredAt));
  },
  // A tier is about the person only: nothing is kept (docs/DATA-RETENTION.md).
  MemberErased: async (tx, event) => {
    await new TiersRepository(tx).eraseMember(event.payload.memberId);
  },
} satisfies EventHandlers;

/** The events tiers reacts to; each takes effect once, in the transaction that marks it done. */
export function createTiersConsumer(database: Database, options: { logger: Logger; now?: () => Date }): EventConsumer {
  return new EventConsumer(database.db, { name: 'tiers', inbox, handlers: tiersHandlers, logger: options.logger, now: options.now });
}
