import type { Logger } from '@membership/config';
import type { Database } from '@membership/db';
import { EventConsumer, type EventHandlers } from '@membership/events';
import { inbox } from './db/schema.js';
import { SanctionsRepository } from './db/sanctions-repository.js';

/** What moderation does with each event it consumes; each handler writes only through `tx`. */
export const moderationHandlers = {
  // Sanctions stay as anonymous statistics, unlinked from the person (docs/DATA-RETENTION.md).
  MemberErased: async (tx, event) => {
    await new SanctionsRepository(tx).eraseMember(event.payload.memberId, new Date(event.payload.erasedAt));
  },
} satisfies EventHandlers;

/** Moderation's queue reader; each event takes effect once, in the transaction that marks it done. */
export function createModerationConsumer(database: Database, options: { logger: Logger; now?: () => Date }): EventConsumer {
  return new EventConsumer(database.db, { name: 'moderation', inbox, handlers: moderationHandlers, logger: options.logger, now: options.now });
}
