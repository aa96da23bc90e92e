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
};
