import type { Viewer } from '@membership/viewer';

/** The staff scope that lets staff read any member's orders. */
export const ORDERS_READ = 'orders:read';

/**
 * Which orders a request may see at all: a member only their own, staff with
 * orders:read and identity's data-export job everyone's, anyone else none.
 * Repositories apply it to every read, so an order of someone else is simply not found.
 */
export type OrdersScope = { kind: 'all' } | { kind: 'member'; memberId: string } | { kind: 'none' };

/** Identity calling for itself: the only caller of the data-export query. */
export const isIdentityService = (viewer: Viewer): boolean => viewer.kind === 'service' && viewer.service === 'identity';

export function ordersScopeFor(viewer: Viewer): OrdersScope {
  if (viewer.kind === 'member') return { kind: 'member', memberId: viewer.memberId };
  if (viewer.kind === 'staff' && viewer.scopes.includes(ORDERS_READ)) return { kind: 'all' };
  if (isIdentityService(viewer)) return { kind: 'all' };
  return { kind: 'none' };
}
