import { describe, expect, it } from 'vitest';
import { DomainError } from '@membership/domain';
import { clawbackFor, offsetQuote, orderPoints } from '../../src/domain/earning.js';
import { expiryOf, planRestore, planSpend, spendOrder, splitClawback, splitEarning } from '../../src/domain/lots.js';
import { assertMaySpend } from '../../src/domain/standing.js';

const now = new Date('2026-06-01T00:00:00.000Z');
const lot = (id: string, remaining: number, expiresAt: string) => ({ id, remaining, expiresAt: new Date(expiresAt) });
const codeOf = (work: () => unknown) => {
  try {
    work();
  } catch (error) {
    return error instanceof DomainError ? error.code : 'not a DomainError';
  }
  return 'no error';
};

describe('when earned points expire', () => {
  it('at the end of the year after the one they were earned in', () => {
    expect(expiryOf(new Date('2026-03-15T10:00:00Z'), { kind: 'end_of_following_year' }).toISOString()).toBe('2027-12-31T23:59:59.999Z');
    expect(expiryOf(new Date('2026-12-31T23:00:00Z'), { kind: 'end_of_following_year' }).toISOString()).toBe('2027-12-31T23:59:59.999Z');
  });

  it('N whole years later', () => {
    expect(expiryOf(new Date('2026-03-15T10:00:00Z'), { kind: 'years', years: 2 }).toISOString()).toBe('2028-03-15T10:00:00.000Z');
  });
});

describe('spending takes the lots nearest to expiry first', () => {
  const lots = [
    lot('c', 50, '2028-01-01'),
    lot('a', 30, '2027-01-01'),
    lot('b', 20, '2027-06-01'),
    lot('old', 99, '2026-05-01'),
    lot('empty', 0, '2026-07-01'),
  ];

  it('skips expired and empty lots and orders the rest by expiry', () => {
    expect(spendOrder(lots, now).map((l) => l.id)).toEqual(['a', 'b', 'c']);
  });

  it('takes 40 as 30 from the soonest lot and 10 from the next', () => {
    expect(planSpend(lots, 40, now)).toEqual([
      { lotId: 'a', points: 30 },
      { lotId: 'b', points: 10 },
    ]);
  });

  it("takes a preferred lot (the refunded order's own) before nearer ones", () => {
    expect(planSpend(lots, 60, now, ['c'])).toEqual([
      { lotId: 'c', points: 50 },
      { lotId: 'a', points: 10 },
    ]);
  });

  it('cannot spend more than the unexpired lots hold (the expired 99 does not count)', () => {
    expect(planSpend(lots, 101, now)).toBeNull();
    expect(planSpend(lots, 100, now)).not.toBeNull();
  });
});

describe('a restore gives back exactly the lots a spending used', () => {
  const used = [
    { lotId: 'a', expiresAt: new Date('2027-01-01'), outstanding: 30 },
    { lotId: 'b', expiresAt: new Date('2027-06-01'), outstanding: 10 },
  ];

  it('all of it: each lot gets back what it gave', () => {
    expect(planRestore(used, 40)).toEqual([
      { lotId: 'b', points: -10 },
      { lotId: 'a', points: -30 },
    ]);
  });

  it('part of it: the lot that lives longest first, so the member keeps the most time', () => {
    expect(planRestore(used, 15)).toEqual([
      { lotId: 'b', points: -10 },
      { lotId: 'a', points: -5 },
    ]);
  });

  it('never more than is still out', () => {
    expect(codeOf(() => planRestore(used, 41))).toBe('BAD_USER_INPUT');
  });
});

describe('debt after a clawback', () => {
  it('a clawback takes what the balance has and records the rest as debt', () => {
    expect(splitClawback(80, 30)).toEqual({ taken: 30, debt: 50 });
    expect(splitClawback(20, 30)).toEqual({ taken: 20, debt: 0 });
  });

  it('later earnings pay the debt first; the rest is spendable', () => {
    expect(splitEarning(30, 50)).toEqual({ toDebt: 30, toBalance: 0 });
    expect(splitEarning(70, 50)).toEqual({ toDebt: 50, toBalance: 20 });
    expect(splitEarning(70, 0)).toEqual({ toDebt: 0, toBalance: 70 });
  });
});

describe('earning on an order and taking it back', () => {
  it('1 point per yuan × tier 150% × campaign 200%, rounded down once', () => {
    expect(orderPoints(12_345, 1, 100, 100)).toBe(123);
    expect(orderPoints(12_345, 1, 150, 200)).toBe(370);
  });

  it('a refund takes back its share; two halves take what one full refund would', () => {
    expect(clawbackFor(101, 5_000, 10_000, 0)).toBe(50);
    expect(clawbackFor(101, 10_000, 10_000, 50)).toBe(51);
    expect(clawbackFor(101, 10_000, 10_000, 0)).toBe(101);
  });
});

describe('the points offset on an order', () => {
  const policy = { pointsPerUnit: 100, maxPercent: 50 };

  it('100 points buy 1.00 off, up to half the order', () => {
    expect(offsetQuote(500, 10_000, policy)).toEqual({ discountAmount: 500 });
    expect(offsetQuote(5_000, 10_000, policy)).toEqual({ discountAmount: 5_000 });
  });

  it('refuses more than the cap, and says the most points allowed', () => {
    expect(codeOf(() => offsetQuote(5_001, 10_000, policy))).toBe('BAD_USER_INPUT');
    expect(() => offsetQuote(6_000, 10_000, policy)).toThrow(/5000 points/);
  });

  it('refuses points that buy no whole minor unit', () => {
    expect(codeOf(() => offsetQuote(155, 10_000, { pointsPerUnit: 1000, maxPercent: 50 }))).toBe('BAD_USER_INPUT');
    expect(offsetQuote(150, 10_000, { pointsPerUnit: 1000, maxPercent: 50 })).toEqual({ discountAmount: 15 });
  });
});

describe('who may spend points', () => {
  const until = new Date('2026-07-01T00:00:00.000Z');

  it('a member under RESTRICTED_BENEFITS is refused, told which sanction and until when', () => {
    const sanctions = [{ sanctionId: 's1', kind: 'RESTRICTED_BENEFITS', endsAt: until }];
    expect(codeOf(() => assertMaySpend(sanctions, now))).toBe('FORBIDDEN');
    expect(() => assertMaySpend(sanctions, now)).toThrow(/RESTRICTED_BENEFITS\) until 2026-07-01T00:00:00.000Z/);
  });

  it('a ban without an end is refused until lifted; a warning or an ended restriction is not', () => {
    expect(() => assertMaySpend([{ sanctionId: 's2', kind: 'BAN', endsAt: null }], now)).toThrow(/until it is lifted/);
    expect(() => assertMaySpend([{ sanctionId: 's3', kind: 'WARNING', endsAt: null }], now)).not.toThrow();
    expect(() => assertMaySpend([{ sanctionId: 's4', kind: 'RESTRICTED_BENEFITS', endsAt: new Date('2026-05-01') }], now)).not.toThrow();
  });
});
