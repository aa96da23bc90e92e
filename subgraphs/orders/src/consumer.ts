import type { EventHandlers } from '@membership/events';
import { OrdersRepository } from './db/orders-repository.js';

/**
 * What orders does with each event it consumes; each handler writes only through `tx`,
 * and takes effect once, in the transaction that marks the event done.
 */
export const ordersHandlers = {
  // Orders stay for tax, unlinked from the erased member (docs/DATA-RETENTION.md).
  MemberErased: async (tx, event) => {
    await new OrdersRepository(tx, { kind: 'all' }).eraseMember(event.payload.memberId, new Date(event.payload.erasedAt));
  },
} satisfies EventHandlers;
