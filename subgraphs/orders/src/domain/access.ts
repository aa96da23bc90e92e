import type { Viewer } from '@membership/viewer';

/** The staff scope that lets staff read any member's orders. */
export const ORDERS_READ = 'orders:read';
/** Staff who record offline payments and move orders through shipping and delivery. */
export const ORDERS_WRITE = 'orders:write';
/** Staff who decide refund requests. */
export const ORDERS_REFUND = 'orders:refund';
/** Staff who work through the risk flags. */
export const RISK_REVIEW = 'risk:review';

const STAFF_SEEING_ALL = [ORDERS_READ, ORDERS_WRITE, ORDERS_REFUND, RISK_REVIEW];

/**
 * Which orders a request may see at all: a member only their own, staff with an orders
 * or risk scope and identity's data-export job everyone's, anyone else none.
 * Repositories apply it to every read, so an order of someone else is simply not found.
 */
export type OrdersScope = { kind: 'all' } | { kind: 'member'; memberId: string } | { kind: 'none' };

/** Identity calling for itself: the only caller of the data-export query. */
export const isIdentityService = (viewer: Viewer): boolean => viewer.kind === 'service' && viewer.service === 'identity';

export function ordersScopeFor(viewer: Viewer): OrdersScope {
  if (viewer.kind === 'member') return { kind: 'member', memberId: viewer.memberId };
  if (viewer.kind === 'staff' && STAFF_SEEING_ALL.some((s) => viewer.scopes.includes(s))) return { kind: 'all' };
  if (isIdentityService(viewer)) return { kind: 'all' };
  return { kind: 'none' };
}
