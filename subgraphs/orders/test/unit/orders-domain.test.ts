import { describe, expect, it } from 'vitest';
import { DomainError, encodeCursor } from '@membership/domain';
import { ordersScopeFor } from '../../src/domain/access.js';
import { money } from '../../src/domain/money.js';
import { checkTotal, linesTotal, orderPageArgs, paidOrder, type PaidOrderDraft } from '../../src/domain/orders.js';

const ANA = '00000000-0000-4000-8000-0000000000a1';
const placedAt = new Date('2026-04-30T08:00:00.000Z');
const paidAt = new Date('2026-04-30T08:02:00.000Z');
const draft = (overrides: Partial<PaidOrderDraft> = {}): PaidOrderDraft => ({
  id: '00000000-0000-4000-a000-000000010001',
  memberId: ANA,
  currency: 'CNY',
  placedAt,
  paidAt,
  lines: [
    { id: '00000000-0000-4000-b000-000100010001', sku: 'TEA-LONGJING-250G', title: 'Longjing tea', quantity: 2, unitAmount: 12_800 },
    { id: '00000000-0000-4000-b000-000100010002', sku: 'MUG-CELADON', title: 'Celadon mug', quantity: 1, unitAmount: 4_500 },
  ],
  ...overrides,
});

const errorOf = (fn: () => unknown): DomainError | undefined => {
  try {
    fn();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  return undefined;
};

describe('order totals', () => {
  it('a paid order costs the sum of its lines', () => {
    const { order, lines } = paidOrder(draft());
    expect(order).toMatchObject({ status: 'PAID', totalAmount: 2 * 12_800 + 4_500, currency: 'CNY', paidAt });
    expect(lines.map((l) => [l.position, l.orderId])).toEqual([
      [1, order.id],
      [2, order.id],
    ]);
  });

  it('refuses a stated total that is not the sum of the lines', () => {
    const lines = draft().lines;
    expect(() => checkTotal(money(30_100, 'CNY'), lines, 'CNY')).not.toThrow();
    expect(errorOf(() => checkTotal(money(30_000, 'CNY'), lines, 'CNY'))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'total' });
    expect(errorOf(() => checkTotal(money(30_100, 'USD'), lines, 'CNY'))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'total' });
  });

  it('refuses a line with a negative or fractional price, or a quantity below one', () => {
    const line = draft().lines[0]!;
    expect(errorOf(() => linesTotal([{ ...line, unitAmount: -100 }], 'CNY'))?.field).toBe('unitAmount');
    expect(errorOf(() => linesTotal([{ ...line, unitAmount: 99.9 }], 'CNY'))?.field).toBe('unitAmount');
    expect(errorOf(() => linesTotal([{ ...line, quantity: 0 }], 'CNY'))?.field).toBe('quantity');
  });

  it('refuses an order with no lines, or paid before it was placed', () => {
    expect(errorOf(() => paidOrder(draft({ lines: [] })))?.field).toBe('lines');
    expect(errorOf(() => paidOrder(draft({ paidAt: new Date(placedAt.getTime() - 1) })))?.field).toBe('paidAt');
  });
});

describe('order pages', () => {
  it('accepts a cursor this list gave out and refuses one made by hand', () => {
    const cursor = encodeCursor({ at: placedAt, id: '00000000-0000-4000-a000-000000010001' });
    expect(orderPageArgs({ first: 2, after: cursor })).toEqual({
      first: 2,
      after: { at: placedAt, id: '00000000-0000-4000-a000-000000010001' },
    });
    const forged = encodeCursor({ at: placedAt, id: "x' or 1=1" });
    expect(errorOf(() => orderPageArgs({ after: forged }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    expect(errorOf(() => orderPageArgs({ first: 0 }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
  });
});

describe('who sees which orders', () => {
  it('Ana (member) sees only her own; staff with orders:read see all; staff without it and anonymous see none', () => {
    expect(ordersScopeFor({ kind: 'member', memberId: ANA })).toEqual({ kind: 'member', memberId: ANA });
    expect(ordersScopeFor({ kind: 'staff', staffId: 's1', scopes: ['orders:read'] })).toEqual({ kind: 'all' });
    expect(ordersScopeFor({ kind: 'staff', staffId: 's1', scopes: ['members:read'] })).toEqual({ kind: 'none' });
    expect(ordersScopeFor({ kind: 'anonymous' })).toEqual({ kind: 'none' });
  });
});
