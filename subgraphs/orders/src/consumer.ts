import type { Logger } from '@membership/config';
import type { Database } from '@membership/db';
import { EventConsumer, type EventHandlers } from '@membership/events';
import { inbox } from './db/schema.js';
import { OrdersRepository } from './db/orders-repository.js';

/** What orders does with each event it consumes; each handler writes only through `tx`. */
export const ordersHandlers = {
  // Orders stay for tax, unlinked from the erased member (docs/DATA-RETENTION.md).
  MemberErased: async (tx, event) => {
    await new OrdersRepository(tx, { kind: 'all' }).eraseMember(event.payload.memberId, new Date(event.payload.erasedAt));
  },
} satisfies EventHandlers;

/** Orders' queue reader; each event takes effect once, in the transaction that marks it done. */
export function createOrdersConsumer(database: Database, options: { logger: Logger; now?: () => Date }): EventConsumer {
  return new EventConsumer(database.db, { name: 'orders', inbox, handlers: ordersHandlers, logger: options.logger, now: options.now });
}
