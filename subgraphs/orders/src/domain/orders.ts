import { badInput, pageArgs, type Cursor } from '@membership/domain';
import { money, multiplyMoney, sameMoney, sumMoney, type Money } from './money.js';
import type { OrderStatus } from './order-status.js';

export type { OrderStatus } from './order-status.js';

/** One product in an order, as the caller asks for it. */
export interface OrderLineDraft {
  id: string;
  sku: string;
  title: string;
  quantity: number;
  /** Price of one unit, in minor units of the order's currency. */
  unitAmount: number;
}

/** An order that has been paid for, before it is stored. */
export interface PaidOrderDraft {
  id: string;
  memberId: string;
  currency: string;
  lines: readonly OrderLineDraft[];
  placedAt: Date;
  paidAt: Date;
}

export interface OrderFacts {
  id: string;
  memberId: string;
  status: OrderStatus;
  totalAmount: number;
  currency: string;
  placedAt: Date;
  paidAt: Date | null;
}

export interface OrderLineFacts extends OrderLineDraft {
  orderId: string;
  /** From 1, in the order the lines were given. */
  position: number;
}

/** An order as orders keeps it: once its member is erased it names no member. */
export interface StoredOrder extends Omit<OrderFacts, 'memberId'> {
  memberId: string | null;
  erasedAt: Date | null;
}

/** What one line costs: unit price times quantity. */
export function lineTotal(line: Pick<OrderLineDraft, 'quantity' | 'unitAmount'>, currency: string): Money {
  return multiplyMoney(money(line.unitAmount, currency, 'unitAmount'), line.quantity);
}

/** What the lines cost together, in the order's currency. */
export function linesTotal(lines: readonly Pick<OrderLineDraft, 'quantity' | 'unitAmount'>[], currency: string): Money {
  return sumMoney(
    lines.map((l) => lineTotal(l, currency)),
    currency,
  );
}

/** Refuses an order whose stated total is not the sum of its lines, or is in another currency. */
export function checkTotal(total: Money, lines: readonly Pick<OrderLineDraft, 'quantity' | 'unitAmount'>[], currency: string): void {
  const expected = linesTotal(lines, currency);
  if (!sameMoney(total, expected)) {
    throw badInput(
      `The order total ${total.amount} ${total.currency} does not match its lines, which add up to ${expected.amount} ${expected.currency}.`,
      'total',
    );
  }
}

/**
 * Validates a paid order and works out its total from its lines, so the total stored
 * is always the sum of the lines stored.
 */
export function paidOrder(draft: PaidOrderDraft): { order: OrderFacts; lines: OrderLineFacts[] } {
  if (draft.lines.length === 0) throw badInput('An order needs at least one line.', 'lines');
  if (draft.paidAt < draft.placedAt) throw badInput('An order cannot be paid before it was placed.', 'paidAt');
  for (const line of draft.lines) {
    if (!line.sku.trim()) throw badInput('Every order line needs a SKU.', 'sku');
    if (!line.title.trim()) throw badInput(`Order line ${line.sku} needs a title.`, 'title');
  }
  const total = linesTotal(draft.lines, draft.currency);
  return {
    order: {
      id: draft.id,
      memberId: draft.memberId,
      status: 'PAID',
      totalAmount: total.amount,
      currency: total.currency,
      placedAt: draft.placedAt,
      paidAt: draft.paidAt,
    },
    lines: draft.lines.map((line, i) => ({ ...line, orderId: draft.id, position: i + 1 })),
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True when `id` could be an order's id (they are UUIDs). */
export const isOrderId = (id: string) => UUID.test(id);

/**
 * `first`/`after` for a member's orders. Beyond the shared checks, the cursor must
 * point at an order id, so a hand-made cursor is refused as bad input rather than
 * reaching the database.
 */
export function orderPageArgs(args: { first?: number | null; after?: string | null }): { first: number; after?: Cursor } {
  const page = pageArgs(args);
  if (page.after && !isOrderId(page.after.id)) throw badInput('The cursor is not one this list gave out.', 'after');
  return page;
}
