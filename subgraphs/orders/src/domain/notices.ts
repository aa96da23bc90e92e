import type { EventInput } from '@membership/events';
import { orderNumber } from './checkout.js';

type Notice = EventInput['MemberNoticeRequested'];

/** Minor units as the member reads them (two decimals): 12800 -> "128.00". */
const majorUnits = (amount: number): string => `${Math.trunc(amount / 100)}.${String(Math.abs(amount) % 100).padStart(2, '0')}`;

const notice = (memberId: string, key: string, params: Notice['params'], dedupeKey: string): Notice => ({
  memberId,
  template: `orders.${key}`,
  params,
  outOfApp: true,
  dedupeKey,
});

/** The notices orders asks identity for; the words are in identity's notice-templates/orders.ts. */
export const orderNotices = {
  paymentConfirmed: (o: { id: string; memberId: string; amount: number; currency: string }) =>
    notice(
      o.memberId,
      'payment_confirmed',
      { orderNumber: orderNumber(o.id), amount: majorUnits(o.amount), currency: o.currency },
      `paid:${o.id}`,
    ),
  orderCancelled: (o: { id: string; memberId: string }, why: 'member' | 'deadline') =>
    notice(
      o.memberId,
      why === 'deadline' ? 'order_cancelled_unpaid' : 'order_cancelled',
      { orderNumber: orderNumber(o.id) },
      `cancelled:${o.id}`,
    ),
  refundRequested: (r: { id: string; orderId: string; memberId: string; amount: number }, currency: string) =>
    notice(
      r.memberId,
      'refund_requested',
      { orderNumber: orderNumber(r.orderId), amount: majorUnits(r.amount), currency },
      `refund-requested:${r.id}`,
    ),
  refundApproved: (r: { id: string; orderId: string; memberId: string; approved: number; requested: number }, currency: string) =>
    notice(
      r.memberId,
      r.approved < r.requested ? 'refund_partially_approved' : 'refund_approved',
      { orderNumber: orderNumber(r.orderId), amount: majorUnits(r.approved), requested: majorUnits(r.requested), currency },
      `refund-approved:${r.id}`,
    ),
  refundRejected: (r: { id: string; orderId: string; memberId: string }, reason: string) =>
    notice(r.memberId, 'refund_rejected', { orderNumber: orderNumber(r.orderId), reason }, `refund-rejected:${r.id}`),
  refundCompleted: (r: { id: string; orderId: string; memberId: string; amount: number; pointsRestored: number }, currency: string) =>
    notice(
      r.memberId,
      'refund_completed',
      { orderNumber: orderNumber(r.orderId), amount: majorUnits(r.amount), currency, points: r.pointsRestored },
      `refund-completed:${r.id}`,
    ),
};
