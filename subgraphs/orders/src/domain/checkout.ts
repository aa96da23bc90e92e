import { createHash } from 'node:crypto';
import { badInput, conflict } from '@membership/domain';
import { money } from './money.js';
import type { OrderLineDraft, OrderLineFacts } from './orders.js';
import { linesTotal } from './orders.js';

/** A discount the shop granted on the order (a coupon, a promotion), in minor units. */
export interface DiscountDraft {
  code: string;
  amount: number;
}

/** What a member asks to buy, as checkout receives it. */
export interface CheckoutDraft {
  memberId: string;
  idempotencyKey: string;
  currency: string;
  lines: readonly Omit<OrderLineDraft, 'id'>[];
  discounts: readonly DiscountDraft[];
  /** Points to spend on the order (0: none); points decides how much money they take off. */
  pointsToUse: number;
  shippingAddress: string;
  /** The share code of the product link the member came through (points issued it), or null. */
  shareCode?: string | null;
}

/** An order worked out from a draft, before points are held and it is stored. */
export interface CheckoutOrder {
  id: string;
  memberId: string;
  idempotencyKey: string;
  currency: string;
  /** Sum of the lines. */
  subtotal: number;
  /** Sum of the discounts. */
  discountAmount: number;
  discounts: DiscountDraft[];
  /** What is left to pay before any points: subtotal minus discounts. */
  amountBeforePoints: number;
  pointsToUse: number;
  shippingAddress: string;
  shareCode: string | null;
  lines: OrderLineFacts[];
}

/** What points granted for the order: the hold, how many points and how much money they take off. */
export interface PointsHoldGrant {
  id: string;
  points: number;
  discountAmount: number;
  expiresAt: Date;
}

const MAX_LINES = 100;
const MAX_KEY = 200;
const MAX_ADDRESS = 500;
const SHARE_CODE = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * A stable id from who asked and their idempotency key, shaped as a uuid: replaying a
 * checkout names the same order, so points' hold (keyed on it) is the same hold too.
 */
export function idFromKey(namespace: string, ...parts: string[]): string {
  const h = createHash('sha256')
    .update([namespace, ...parts].join('\n'))
    .digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${((parseInt(h.slice(16, 17), 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Checks an idempotency key: 1 to 200 characters the caller chose for this one attempt. */
export function idempotencyKey(raw: string, field = 'idempotencyKey'): string {
  const key = raw.trim();
  if (key.length === 0 || key.length > MAX_KEY)
    throw badInput(`${field} must be 1 to ${MAX_KEY} characters, the same for every retry of one attempt.`, field);
  return key;
}

/**
 * Validates what a member asks to buy and works out its amounts: lines priced, discounts
 * no larger than the lines, points a whole non-negative number, an address given.
 */
export function checkout(draft: CheckoutDraft): CheckoutOrder {
  const key = idempotencyKey(draft.idempotencyKey);
  if (draft.lines.length === 0) throw badInput('An order needs at least one line.', 'lines');
  if (draft.lines.length > MAX_LINES) throw badInput(`An order holds at most ${MAX_LINES} lines.`, 'lines');
  for (const line of draft.lines) {
    if (!line.sku.trim()) throw badInput('Every order line needs a SKU.', 'sku');
    if (!line.title.trim()) throw badInput(`Order line ${line.sku} needs a title.`, 'title');
  }
  const subtotal = linesTotal(draft.lines, draft.currency);
  const discounts = draft.discounts.map((d) => {
    if (!d.code.trim()) throw badInput('Every discount needs its code.', 'discounts');
    return { code: d.code.trim(), amount: money(d.amount, subtotal.currency, 'discount amount').amount };
  });
  const discountAmount = discounts.reduce((sum, d) => sum + d.amount, 0);
  if (discountAmount > subtotal.amount) {
    throw badInput(
      `The discounts (${discountAmount} ${subtotal.currency}) are larger than the lines (${subtotal.amount} ${subtotal.currency}).`,
      'discounts',
    );
  }
  if (!Number.isInteger(draft.pointsToUse) || draft.pointsToUse < 0)
    throw badInput('pointsToUse must be a whole number of points, 0 or more.', 'pointsToUse');
  const address = draft.shippingAddress.trim();
  if (!address) throw badInput('Give the address the order should be shipped to.', 'shippingAddress');
  if (address.length > MAX_ADDRESS) throw badInput(`The shipping address is longer than ${MAX_ADDRESS} characters.`, 'shippingAddress');
  const shareCode = draft.shareCode?.trim() || null;
  if (shareCode !== null && !SHARE_CODE.test(shareCode))
    throw badInput('A share code is 1 to 64 letters, digits, dashes or underscores, as it came in the product link.', 'shareCode');
  const id = idFromKey('order', draft.memberId, key);
  return {
    id,
    memberId: draft.memberId,
    idempotencyKey: key,
    currency: subtotal.currency,
    subtotal: subtotal.amount,
    discountAmount,
    discounts,
    amountBeforePoints: subtotal.amount - discountAmount,
    pointsToUse: draft.pointsToUse,
    shippingAddress: address,
    shareCode,
    lines: draft.lines.map((line, i) => ({ ...line, id: idFromKey('order-line', id, String(i + 1)), orderId: id, position: i + 1 })),
  };
}

/** What the member pays in money once points took their share; points may never take more than is left. */
export function amountDue(order: Pick<CheckoutOrder, 'amountBeforePoints' | 'currency'>, hold: PointsHoldGrant | null): number {
  if (!hold) return order.amountBeforePoints;
  if (hold.discountAmount < 0 || hold.discountAmount > order.amountBeforePoints) {
    throw conflict(
      `Points offered ${hold.discountAmount} ${order.currency} off an order of ${order.amountBeforePoints} ${order.currency}; the order was not placed.`,
    );
  }
  return order.amountBeforePoints - hold.discountAmount;
}

/** When an unpaid order placed at `placedAt` is cancelled. */
export const paymentDeadline = (placedAt: Date, minutes: number): Date => new Date(placedAt.getTime() + minutes * 60_000);

/** Until when a member paid at `paidAt` may ask for a refund. */
export const returnWindowEnd = (paidAt: Date, days: number): Date => new Date(paidAt.getTime() + days * 86_400_000);

/** The short number members see for an order (the first part of its id, upper case). */
export const orderNumber = (orderId: string): string => orderId.slice(0, 8).toUpperCase();

/** What orders asks points for: hold `points` of the member's for this order. */
export interface PointsHoldRequest {
  memberId: string;
  orderId: string;
  points: number;
  /** Money left to pay before points (points caps the offset as a share of it). */
  orderAmount: number;
  currency: string;
  idempotencyKey: string;
}

/**
 * Points, as checkout needs it (a port): hold points for an order's offset. Refusals come
 * back as DomainErrors with points' own words (not enough points, over the cap, a sanction).
 */
export interface PointsHolds {
  hold(request: PointsHoldRequest): Promise<PointsHoldGrant>;
}
