import type { EventHandlers } from '@membership/events';
import { OrdersRepository } from './db/orders-repository.js';
import { projectSanction } from './db/refunds-repository.js';

/**
 * What orders does with each event it consumes; each handler writes only through `tx`,
 * and takes effect once, in the transaction that marks the event done.
 */
export const ordersHandlers = {
  // Orders stay for tax, unlinked from the erased member (docs/DATA-RETENTION.md).
  MemberErased: async (tx, event) => {
    await new OrdersRepository(tx, { kind: 'all' }).eraseMember(event.payload.memberId, new Date(event.payload.erasedAt));
  },
  // Standing for automatic refund approval: orders keeps its own projection of sanctions in force.
  SanctionApplied: async (tx, event) => {
    await projectSanction(
      tx,
      { type: 'SanctionApplied', payload: event.payload },
      event.payload.effectiveAt ? new Date(event.payload.effectiveAt) : event.occurredAt,
    );
  },
  SanctionLifted: async (tx, event) => {
    await projectSanction(tx, { type: 'SanctionLifted', payload: event.payload }, event.occurredAt);
  },
} satisfies EventHandlers;
