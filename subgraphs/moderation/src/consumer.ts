import type { EventHandlers } from '@membership/events';
import { SanctionsRepository } from './db/sanctions-repository.js';

/**
 * What moderation does with each event it consumes; each handler writes only through `tx`,
 * and takes effect once, in the transaction that marks the event done.
 */
export const moderationHandlers = {
  // Sanctions stay as anonymous statistics, unlinked from the person (docs/DATA-RETENTION.md).
  MemberErased: async (tx, event) => {
    await new SanctionsRepository(tx).eraseMember(event.payload.memberId, new Date(event.payload.erasedAt));
  },
} satisfies EventHandlers;
