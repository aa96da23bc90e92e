import type { EventHandlers } from '@membership/events';
import { TiersRepository } from './db/tiers-repository.js';
import { ENTRY_TIER } from './domain/tiers.js';

/**
 * What tiers does with each event it consumes; each handler writes only through `tx`,
 * and takes effect once, in the transaction that marks the event done.
 */
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
