import { describe, expect, it } from 'vitest';
import { DomainError } from '@membership/domain';
import {
  approvedAmount,
  autoApproves,
  checkWithinPaid,
  committedAmount,
  pointsToRestore,
  requestedAmount,
  unitsAsked,
  withinReturnWindow,
  type RefundableOrder,
} from '../../src/domain/refunds.js';

const order: RefundableOrder = {
  id: 'o1',
  currency: 'CNY',
  subtotal: 30_000,
  paidAmount: 24_000,
  pointsUsed: 600,
  paidAt: new Date('2026-05-01T00:00:00Z'),
  returnWindowEndsAt: new Date('2026-05-08T00:00:00Z'),
};
const lines = [
  { id: 'a', quantity: 2, unitAmount: 10_000 },
  { id: 'b', quantity: 1, unitAmount: 10_000 },
];
const errorOf = (fn: () => unknown): DomainError | undefined => {
  try {
    fn();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  return undefined;
};

describe('how much a refund asks', () => {
  it('a line asks its share of what was paid (after discounts and points), rounded down; the whole order asks what is left', () => {
    expect(requestedAmount(order, lines, [{ lineId: 'b', quantity: 1 }], 0)).toBe(8_000);
    expect(
      requestedAmount(
        order,
        lines,
        [
          { lineId: 'a', quantity: 1 },
          { lineId: 'b', quantity: 1 },
        ],
        0,
      ),
    ).toBe(16_000);
    expect(requestedAmount({ ...order, paidAmount: 10_001 }, lines, [{ lineId: 'b', quantity: 1 }], 0)).toBe(3_333);
    expect(requestedAmount(order, lines, [], 8_000)).toBe(16_000);
  });

  it('refuses a line twice, more units than bought, an unknown line, and lines on a points-only order', () => {
    expect(
      errorOf(() =>
        requestedAmount(
          order,
          lines,
          [
            { lineId: 'a', quantity: 1 },
            { lineId: 'a', quantity: 1 },
          ],
          0,
        ),
      )?.field,
    ).toBe('lines');
    expect(errorOf(() => requestedAmount(order, lines, [{ lineId: 'a', quantity: 3 }], 0))?.field).toBe('lines');
    expect(errorOf(() => requestedAmount(order, lines, [{ lineId: 'z', quantity: 1 }], 0))?.field).toBe('lines');
    expect(errorOf(() => requestedAmount({ ...order, paidAmount: 0 }, lines, [{ lineId: 'a', quantity: 1 }], 0))?.field).toBe('lines');
  });
});

describe('never more than was paid', () => {
  it('counts open requests at what they ask and decided ones at what was granted; rejected ones hold nothing', () => {
    expect(
      committedAmount([
        { status: 'REQUESTED', amount: 5_000, approvedAmount: null },
        { status: 'APPROVED', amount: 9_000, approvedAmount: 6_000 },
        { status: 'COMPLETED', amount: 2_000, approvedAmount: 2_000 },
        { status: 'REJECTED', amount: 20_000, approvedAmount: null },
      ]),
    ).toBe(13_000);
  });

  it('lets refunds add up to what was paid and not a unit more, naming what is left', () => {
    const done = [{ status: 'COMPLETED' as const, amount: 16_000, approvedAmount: 16_000 }];
    expect(() => checkWithinPaid(order, done, 8_000)).not.toThrow();
    const error = errorOf(() => checkWithinPaid(order, done, 8_001));
    expect(error).toMatchObject({ code: 'CONFLICT' });
    expect(error?.message).toBe('Only 8000 CNY of the 24000 CNY paid is left to refund; 8001 is more.');
    expect(errorOf(() => checkWithinPaid(order, [{ status: 'COMPLETED', amount: 24_000, approvedAmount: 24_000 }], 0))?.code).toBe(
      'CONFLICT',
    );
  });

  it('a points-only order is refunded once', () => {
    const pointsOnly = { ...order, paidAmount: 0 };
    expect(() => checkWithinPaid(pointsOnly, [], 0)).not.toThrow();
    expect(errorOf(() => checkWithinPaid(pointsOnly, [{ status: 'REQUESTED', amount: 0, approvedAmount: null }], 0))?.code).toBe(
      'CONFLICT',
    );
  });
});

describe('points given back with refunds', () => {
  it('gives back the refunded share of the points used, rounded down, and the rest with the refund that completes it', () => {
    // 600 points over 24,000 paid: 7,000 back is 175 points; then 9,000 more (16,000 in all) is 400 in all, so 225.
    expect(pointsToRestore(order, 0, 7_000, 0)).toBe(175);
    expect(pointsToRestore(order, 7_000, 9_000, 175)).toBe(225);
    expect(pointsToRestore(order, 16_000, 8_000, 400)).toBe(200);
  });

  it('never gives back more than were used, however the refunds are split', () => {
    const odd = { paidAmount: 7, pointsUsed: 10 };
    let restored = 0;
    let refunded = 0;
    for (const amount of [1, 1, 2, 1, 2]) {
      const r = pointsToRestore(odd, refunded, amount, restored);
      refunded += amount;
      restored += r;
      expect(restored).toBeLessThanOrEqual(10);
    }
    expect(restored).toBe(10);
    expect(pointsToRestore({ paidAmount: 0, pointsUsed: 300 }, 0, 0, 0)).toBe(300);
  });
});

describe('decisions', () => {
  it('approves automatically only small refunds of members in good standing', () => {
    expect(autoApproves(5_000, 5_000, true)).toBe(true);
    expect(autoApproves(5_001, 5_000, true)).toBe(false);
    expect(autoApproves(100, 5_000, false)).toBe(false);
  });

  it('a partial approval grants less than asked, never more and never nothing', () => {
    expect(approvedAmount(8_000, null)).toBe(8_000);
    expect(approvedAmount(8_000, 5_000)).toBe(5_000);
    expect(errorOf(() => approvedAmount(8_000, 8_001))?.code).toBe('BAD_USER_INPUT');
    expect(errorOf(() => approvedAmount(8_000, 0))?.code).toBe('BAD_USER_INPUT');
  });

  it('takes requests until the return window ends', () => {
    expect(withinReturnWindow(order, new Date('2026-05-07T23:59:59Z'))).toBe(true);
    expect(withinReturnWindow(order, new Date('2026-05-08T00:00:00Z'))).toBe(false);
    expect(withinReturnWindow({ returnWindowEndsAt: null }, new Date())).toBe(false);
  });
});

describe('units asked back', () => {
  it('a unit asked back once cannot be asked back again, unless that request was rejected', () => {
    const asked = unitsAsked([
      { status: 'COMPLETED', lines: [{ lineId: 'a', quantity: 1 }] },
      { status: 'REQUESTED', lines: [{ lineId: 'a', quantity: 1 }] },
      { status: 'REJECTED', lines: [{ lineId: 'b', quantity: 1 }] },
    ]);
    expect(asked).toEqual(new Map([['a', 2]]));
    expect(errorOf(() => requestedAmount(order, lines, [{ lineId: 'a', quantity: 1 }], 16_000, asked))?.message).toBe(
      'Every unit of line a is already asked back or refunded.',
    );
    expect(requestedAmount(order, lines, [{ lineId: 'b', quantity: 1 }], 16_000, asked)).toBe(8_000);
  });
});
