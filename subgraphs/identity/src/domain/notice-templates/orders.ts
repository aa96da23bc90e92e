import type { NoticeTemplate } from './index.js';

/**
 * The notices the orders subgraph asks for (MemberNoticeRequested with template 'orders.<key>').
 * Params are ids, amounts, dates and codes, never personal values.
 */
export const ORDER_NOTICES: Record<string, NoticeTemplate> = {
  payment_confirmed: {
    title: 'Payment received for order {orderNumber}',
    body: 'We received {amount} {currency}. Your order is being prepared.',
  },
  order_cancelled: {
    title: 'Order {orderNumber} is cancelled',
    body: 'You cancelled order {orderNumber} before paying for it. Any points it held are yours again.',
  },
  order_cancelled_unpaid: {
    title: 'Order {orderNumber} was cancelled: it was not paid in time',
    body: 'Order {orderNumber} was not paid before its payment deadline, so we cancelled it. Any points it held are yours again.',
  },
  refund_requested: {
    title: 'We received your refund request for order {orderNumber}',
    body: 'You asked for {amount} {currency} back. We will tell you when it is decided.',
  },
  refund_approved: {
    title: 'Your refund for order {orderNumber} is approved',
    body: '{amount} {currency} goes back to you by the way you paid.',
  },
  refund_partially_approved: {
    title: 'Your refund for order {orderNumber} is partly approved',
    body: 'You asked for {requested} {currency}; {amount} {currency} goes back to you by the way you paid.',
  },
  refund_rejected: {
    title: 'Your refund request for order {orderNumber} was not approved',
    body: 'Reason: {reason}',
  },
  refund_completed: {
    title: 'Refund for order {orderNumber} sent',
    body: '{amount} {currency} was sent back by the way you paid, and {points} points used on the order are yours again.',
  },
};
