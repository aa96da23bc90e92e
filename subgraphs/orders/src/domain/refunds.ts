import { badInput, conflict } from '@membership/domain';
import type { RefundReason, RefundStatus } from './order-status.js';

/** Which lines (and how many of each) a refund asks back; none means the whole order. */
export interface RefundLineDraft {
  lineId: string;
  quantity: number;
}

/** What a member asks for. */
export interface RefundDraft {
  reason: RefundReason;
  note: string | null;
  evidence: readonly string[];
  lines: readonly RefundLineDraft[];
}

/** The order as refund rules need it. */
export interface RefundableOrder {
  id: string;
  currency: string;
  /** Sum of the lines. */
  subtotal: number;
  /** Money the order was paid with (0 for points only). */
  paidAmount: number;
  pointsUsed: number;
  paidAt: Date | null;
  returnWindowEndsAt: Date | null;
}

/** A refund already on the order, as far as the money it takes. */
export interface RefundOnOrder {
  status: RefundStatus;
  amount: number;
  approvedAmount: number | null;
}

const MAX_EVIDENCE = 10;
const MAX_NOTE = 1000;

/** Units of each line that requests not rejected already ask back. */
export function unitsAsked(refunds: readonly { status: RefundStatus; lines: readonly RefundLineDraft[] }[]): Map<string, number> {
  const asked = new Map<string, number>();
  for (const r of refunds) {
    if (r.status === 'REJECTED') continue;
    for (const l of r.lines) asked.set(l.lineId, (asked.get(l.lineId) ?? 0) + l.quantity);
  }
  return asked;
}

/** Checks a request's words: a reason, at most 10 evidence references, a note of reasonable length. */
export function refundDraft(draft: RefundDraft): RefundDraft {
  if (draft.evidence.length > MAX_EVIDENCE) throw badInput(`Attach at most ${MAX_EVIDENCE} pieces of evidence.`, 'evidence');
  for (const ref of draft.evidence) {
    if (!ref.trim() || ref.length > 500)
      throw badInput('Each evidence reference is 1 to 500 characters (an upload id or link).', 'evidence');
  }
  const note = draft.note?.trim() || null;
  if (note && note.length > MAX_NOTE) throw badInput(`The note is longer than ${MAX_NOTE} characters.`, 'note');
  return { ...draft, note, evidence: draft.evidence.map((e) => e.trim()) };
}

/** True until the return window of a paid order ends. */
export function withinReturnWindow(order: Pick<RefundableOrder, 'returnWindowEndsAt'>, now: Date): boolean {
  return order.returnWindowEndsAt !== null && now < order.returnWindowEndsAt;
}

/**
 * Money the refunds on an order hold on to: what open requests ask, what approved and
 * completed ones grant. A new request or approval may take only what is left of the payment.
 */
export function committedAmount(refunds: readonly RefundOnOrder[]): number {
  return refunds.reduce((sum, r) => {
    if (r.status === 'REQUESTED') return sum + r.amount;
    if (r.status === 'APPROVED' || r.status === 'COMPLETED') return sum + (r.approvedAmount ?? 0);
    return sum;
  }, 0);
}

/**
 * The money a request asks back: for the whole order, everything not already asked or
 * refunded; for some lines, their share of what was paid (lines at their price, scaled by
 * what the member paid after discounts and points).
 */
export function requestedAmount(
  order: RefundableOrder,
  orderLines: readonly { id: string; quantity: number; unitAmount: number }[],
  lines: readonly RefundLineDraft[],
  committed: number,
  /** Units of each line already asked back by requests that were not rejected. */
  askedBefore: ReadonlyMap<string, number> = new Map(),
): number {
  const left = order.paidAmount - committed;
  if (lines.length === 0) return left;
  if (order.paidAmount === 0) throw badInput('An order paid with points alone is refunded whole; leave out the lines.', 'lines');
  const byId = new Map(orderLines.map((l) => [l.id, l]));
  const seen = new Set<string>();
  let value = 0;
  for (const { lineId, quantity } of lines) {
    const line = byId.get(lineId);
    if (!line) throw badInput(`The order has no line ${lineId}.`, 'lines');
    if (seen.has(lineId)) throw badInput(`Line ${lineId} is named twice; give each line once with its quantity.`, 'lines');
    seen.add(lineId);
    if (!Number.isInteger(quantity) || quantity < 1 || quantity > line.quantity) {
      throw badInput(`Line ${lineId} has ${line.quantity} unit(s); ask back 1 to ${line.quantity}.`, 'lines');
    }
    const left = line.quantity - (askedBefore.get(lineId) ?? 0);
    if (quantity > left) {
      throw conflict(
        left <= 0
          ? `Every unit of line ${lineId} is already asked back or refunded.`
          : `Only ${left} unit(s) of line ${lineId} are left to ask back; ${quantity} is more.`,
        'lines',
      );
    }
    value += line.unitAmount * quantity;
  }
  // Floor: rounding never gives back more than the line's share.
  return Math.floor((value * order.paidAmount) / order.subtotal);
}

/**
 * Refuses an amount the payment cannot cover: never more than was paid, across every
 * request and refund on the order (those still open included). CONFLICT names what is left.
 */
export function checkWithinPaid(order: RefundableOrder, refunds: readonly RefundOnOrder[], amount: number): void {
  if (!Number.isInteger(amount) || amount < 0) throw badInput('A refund is a whole number of minor units, 0 or more.', 'amount');
  const committed = committedAmount(refunds);
  if (order.paidAmount === 0) {
    // Points only: no money to share out, so one refund (of all its points) at a time.
    if (refunds.some((r) => r.status !== 'REJECTED'))
      throw conflict('This order, paid with points alone, is already refunded or asked back.');
    return;
  }
  const left = order.paidAmount - committed;
  if (amount > left) {
    throw conflict(
      left <= 0
        ? `Everything paid for this order (${order.paidAmount} ${order.currency}) is already refunded or asked back.`
        : `Only ${left} ${order.currency} of the ${order.paidAmount} ${order.currency} paid is left to refund; ${amount} is more.`,
      'amount',
    );
  }
  if (amount === 0 && order.paidAmount > 0) throw conflict('Nothing is left to refund on this order.', 'amount');
}

/**
 * Points to give back with a refund: the order's offset points in the share that money
 * refunded so far bears to money paid, minus what earlier refunds gave back. Rounded
 * down, so all refunds together never give back more than were used; the refund that
 * brings the order to fully refunded gives back the rest.
 */
export function pointsToRestore(
  order: Pick<RefundableOrder, 'paidAmount' | 'pointsUsed'>,
  refundedBefore: number,
  amount: number,
  restoredBefore: number,
): number {
  const refunded = refundedBefore + amount;
  const target =
    order.paidAmount === 0 || refunded >= order.paidAmount
      ? order.pointsUsed
      : Math.floor((order.pointsUsed * refunded) / order.paidAmount);
  return Math.max(0, Math.min(order.pointsUsed - restoredBefore, target - restoredBefore));
}

/** Automatic approval: a small refund for a member in good standing needs no staff decision. */
export function autoApproves(amount: number, limit: number, goodStanding: boolean): boolean {
  return goodStanding && amount <= limit;
}

/** Checks a staff decision's amount: partial approval grants less than asked, never more. */
export function approvedAmount(requested: number, approved: number | null | undefined): number {
  if (approved === null || approved === undefined) return requested;
  if (!Number.isInteger(approved) || approved < 0)
    throw badInput('The approved amount is a whole number of minor units, 0 or more.', 'amount');
  if (approved > requested) throw badInput(`The member asked for ${requested}; approve that much or less.`, 'amount');
  if (approved === 0) throw badInput('To grant nothing, reject the request with a reason.', 'amount');
  return approved;
}
