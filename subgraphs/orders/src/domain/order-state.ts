import { conflict } from '@membership/domain';
import type { OrderStatus } from './order-status.js';

/**
 * What can happen to an order. Each action moves it along the state machine below or is
 * refused; nothing else changes an order's status.
 */
export type OrderAction =
  | 'pay'
  | 'cancel'
  | 'ship'
  | 'deliver'
  | 'complete'
  | 'requestRefund'
  | 'refundPart'
  | 'refundAll'
  /** The last open refund request was turned down with nothing refunded: back where it was. */
  | 'closeRefundRequests';

/** Words for the member and staff: what each action is. */
const ACTION_WORDS: Record<OrderAction, string> = {
  pay: 'paid',
  cancel: 'cancelled',
  ship: 'shipped',
  deliver: 'marked delivered',
  complete: 'completed',
  requestRefund: 'given a refund request',
  refundPart: 'partly refunded',
  refundAll: 'refunded in full',
  closeRefundRequests: 'closed for refunds',
};

const STATUS_WORDS: Record<OrderStatus, string> = {
  PLACED: 'placed and not paid',
  PAID: 'paid',
  SHIPPED: 'shipped',
  DELIVERED: 'delivered',
  COMPLETED: 'completed (its return window is over)',
  CANCELLED: 'cancelled',
  REFUND_REQUESTED: 'waiting for a decision on a refund request',
  PARTIALLY_REFUNDED: 'partly refunded',
  REFUNDED: 'refunded in full',
};

/** Paid and not yet finished: statuses where the goods may be shipped, refunded or asked back. */
const AFTER_PAYMENT: readonly OrderStatus[] = ['PAID', 'SHIPPED', 'DELIVERED', 'REFUND_REQUESTED', 'PARTIALLY_REFUNDED'];

/**
 * The state machine: for each action, the statuses it may start from. The status it ends
 * in is fixed per action, except closing refund requests, which returns to the status the
 * order had before the first request (`resumeStatus`).
 */
const FROM: Record<OrderAction, readonly OrderStatus[]> = {
  pay: ['PLACED'],
  cancel: ['PLACED'],
  ship: ['PAID'],
  deliver: ['SHIPPED'],
  complete: ['PAID', 'SHIPPED', 'DELIVERED', 'PARTIALLY_REFUNDED'],
  requestRefund: AFTER_PAYMENT,
  refundPart: AFTER_PAYMENT,
  refundAll: AFTER_PAYMENT,
  closeRefundRequests: ['REFUND_REQUESTED'],
};

const TO: Record<Exclude<OrderAction, 'closeRefundRequests'>, OrderStatus> = {
  pay: 'PAID',
  cancel: 'CANCELLED',
  ship: 'SHIPPED',
  deliver: 'DELIVERED',
  complete: 'COMPLETED',
  requestRefund: 'REFUND_REQUESTED',
  refundPart: 'PARTIALLY_REFUNDED',
  refundAll: 'REFUNDED',
};

/** True when `action` may happen to an order in `status`. */
export function canTransition(status: OrderStatus, action: OrderAction): boolean {
  return FROM[action].includes(status);
}

/**
 * The status an order in `status` moves to when `action` happens to it, or a CONFLICT
 * that says where the order stands and what the action needs. `resumeStatus` is where an
 * order waiting on refund requests goes back to when they close with nothing refunded.
 */
export function nextStatus(status: OrderStatus, action: OrderAction, resumeStatus?: OrderStatus | null): OrderStatus {
  if (!canTransition(status, action)) {
    const allowed = FROM[action].map((s) => STATUS_WORDS[s]).join(', or ');
    throw conflict(
      `This order is ${STATUS_WORDS[status]}, so it cannot be ${ACTION_WORDS[action]}; that needs an order that is ${allowed}.`,
      'status',
    );
  }
  if (action === 'closeRefundRequests') return resumeStatus && resumeStatus !== 'REFUND_REQUESTED' ? resumeStatus : 'PAID';
  return TO[action];
}

/** The status to return to once refund requests close: kept while requests are open, else the status now. */
export function resumeStatusFor(status: OrderStatus, previous: OrderStatus | null): OrderStatus {
  return status === 'REFUND_REQUESTED' ? (previous ?? 'PAID') : status;
}
