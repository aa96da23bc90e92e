import { describe, expect, it } from 'vitest';
import { exportMemberId, ordersExport } from '../../src/domain/export.js';

const ANA = '00000000-0000-4000-8000-0000000000a1';
const at = new Date('2026-02-01T00:00:00.000Z');

describe("the orders part of a member's export", () => {
  it('refuses a member id that is not a UUID, naming the field', () => {
    expect(() => exportMemberId('ana')).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'memberId' }));
    expect(exportMemberId(ANA)).toBe(ANA);
  });

  it("writes an unpaid order's paidAt as null and each line's unit price in the order's currency", () => {
    const placedAt = new Date('2026-01-05T10:00:00.000Z');
    const data = ordersExport(
      ANA,
      [
        {
          order: { id: 'o1', memberId: ANA, status: 'PLACED', totalAmount: 9_000, currency: 'CNY', placedAt, paidAt: null, erasedAt: null },
          lines: [{ id: 'l1', orderId: 'o1', position: 1, sku: 'MUG-CELADON', title: 'Celadon tea mug', quantity: 2, unitAmount: 4_500 }],
        },
      ],
      at,
    );
    expect(data).toEqual({
      subgraph: 'orders',
      memberId: ANA,
      exportedAt: '2026-02-01T00:00:00.000Z',
      orders: [
        {
          id: 'o1',
          status: 'PLACED',
          total: { amount: 9_000, currency: 'CNY' },
          placedAt: '2026-01-05T10:00:00.000Z',
          paidAt: null,
          lines: [{ sku: 'MUG-CELADON', title: 'Celadon tea mug', quantity: 2, unitPrice: { amount: 4_500, currency: 'CNY' } }],
          shippingAddress: null,
          payments: [],
          refunds: [],
          invoice: null,
          review: null,
        },
      ],
    });
  });
});
