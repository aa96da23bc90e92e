import { describe, expect, it } from 'vitest';
import { DomainError } from '@membership/domain';
import { checkIn, dayBefore, localDay } from '../../src/domain/checkin.js';
import { drawNumber, drawPrize, seedCommitment } from '../../src/domain/lottery.js';
import { campaignPercentAt, cappedAward, checkRuleChange, programmeRules, rulesInForce, startingRules } from '../../src/domain/rules.js';
import { assertMayRedeem, priceFor } from '../../src/domain/store.js';

const codeOf = (work: () => unknown) => {
  try {
    work();
  } catch (error) {
    return error instanceof DomainError ? error.code : 'not a DomainError';
  }
  return 'no error';
};

describe('check-in days and streaks', () => {
  it("the member's time zone decides the day", () => {
    const at = new Date('2026-12-01T17:00:00Z');
    expect(localDay(at, 'Asia/Shanghai')).toBe('2026-12-02');
    expect(localDay(at, 'America/New_York')).toBe('2026-12-01');
    expect(codeOf(() => localDay(at, 'Mars/Olympus'))).toBe('BAD_USER_INPUT');
  });

  it('the day before crosses months and years', () => {
    expect(dayBefore('2027-01-01')).toBe('2026-12-31');
    expect(dayBefore('2028-03-01')).toBe('2028-02-29');
  });

  it('consecutive days grow the bonus up to the cap; a missed day starts again; twice a day is refused', () => {
    const rule = { basePoints: 5, bonusPerDay: 2, maxBonusDays: 3 };
    expect(checkIn('2026-12-02', null, rule)).toMatchObject({ streak: 1, points: 5 });
    expect(checkIn('2026-12-03', { day: '2026-12-02', streak: 1 }, rule)).toMatchObject({ streak: 2, bonus: 2, points: 7 });
    expect(checkIn('2026-12-10', { day: '2026-12-09', streak: 9 }, rule)).toMatchObject({ streak: 10, bonus: 6, points: 11 });
    expect(checkIn('2026-12-05', { day: '2026-12-03', streak: 2 }, rule)).toMatchObject({ streak: 1, points: 5 });
    expect(codeOf(() => checkIn('2026-12-03', { day: '2026-12-03', streak: 2 }, rule))).toBe('BAD_USER_INPUT');
  });
});

describe('earning rules', () => {
  const now = new Date('2026-12-01T00:00:00Z');

  it('the latest version that has started is in force; an announced change is not yet', () => {
    const later = { ...startingRules(1)[1]!, points: 8, effectiveFrom: new Date('2027-01-15T00:00:00Z') };
    const rules = programmeRules([later], 1);
    expect(rulesInForce(rules, now).get('check_in')!.points).toBe(5);
    expect(rulesInForce(rules, new Date('2027-01-15T00:00:00Z')).get('check_in')!.points).toBe(8);
  });

  it('a change starting sooner than the notice period is refused, and so is an unknown rule', () => {
    expect(
      codeOf(() =>
        checkRuleChange(
          { code: 'check_in', points: 8, dailyCap: null, totalCap: null, effectiveFrom: new Date('2026-12-20T00:00:00Z') },
          now,
          30,
        ),
      ),
    ).toBe('BAD_USER_INPUT');
    expect(
      checkRuleChange(
        { code: 'check_in', points: 8, dailyCap: null, totalCap: null, effectiveFrom: new Date('2027-01-01T00:00:00Z') },
        now,
        30,
      ),
    ).toBe('check_in');
    expect(
      codeOf(() =>
        checkRuleChange(
          { code: 'bonus', points: 8, dailyCap: null, totalCap: null, effectiveFrom: new Date('2027-06-01T00:00:00Z') },
          now,
          30,
        ),
      ),
    ).toBe('BAD_USER_INPUT');
  });

  it('caps per day and per rule cut an award down, to nothing when spent', () => {
    expect(cappedAward(20, { dailyCap: 60, totalCap: null }, 50, 500)).toBe(10);
    expect(cappedAward(20, { dailyCap: 60, totalCap: null }, 60, 500)).toBe(0);
    expect(cappedAward(100, { dailyCap: null, totalCap: 100 }, 0, 100)).toBe(0);
  });

  it('the largest running campaign applies, and double points on the anniversary', () => {
    const c = [
      {
        id: 'c',
        name: 'Spring',
        multiplierPercent: 150,
        startsAt: new Date('2026-11-30T00:00:00Z'),
        endsAt: new Date('2026-12-02T00:00:00Z'),
      },
    ];
    expect(campaignPercentAt(c, now, { monthDay: '06-18', percent: 200 })).toBe(150);
    expect(campaignPercentAt(c, new Date('2026-12-03T00:00:00Z'), { monthDay: '06-18', percent: 200 })).toBe(100);
    expect(campaignPercentAt(c, new Date('2027-06-18T12:00:00Z'), { monthDay: '06-18', percent: 200 })).toBe(200);
  });
});

describe('lottery draws', () => {
  const prizes = [
    { id: 'a', count: 1, weight: 5, awarded: 0 },
    { id: 'b', count: 2, weight: 5, awarded: 0 },
  ];

  it("the same seed and entry number always draw the same, and the commitment is the seed's SHA-256", () => {
    expect(drawNumber('seed', 'L', 7)).toBe(drawNumber('seed', 'L', 7));
    expect(drawNumber('seed', 'L', 7)).not.toBe(drawNumber('seed', 'L', 8));
    expect(drawPrize('seed', 'L', 3, prizes, 0)).toBe(drawPrize('seed', 'L', 3, prizes, 0));
    expect(seedCommitment('seed')).toMatch(/^[0-9a-f]{64}$/);
  });

  it('a prize whose count is out is never drawn again', () => {
    const out = prizes.map((p) => ({ ...p, awarded: p.count }));
    for (let n = 1; n <= 50; n++) expect(drawPrize('seed', 'L', n, out, 1)).toBeNull();
  });
});

describe('the store', () => {
  const item = {
    id: 'i',
    kind: 'COUPON' as const,
    title: 'Voucher',
    pricePoints: 6000,
    tierPrices: { GOLD: 5000 },
    stock: 1,
    perMemberLimit: 1,
    validFrom: new Date('2026-01-01T00:00:00Z'),
    validUntil: new Date('2027-01-01T00:00:00Z'),
  };
  const now = new Date('2026-12-01T00:00:00Z');
  const verified = { level: 'primary', expiresAt: null, refused: false };

  it('a higher tier pays its lower price', () => {
    expect(priceFor(item, 'GOLD')).toBe(5000);
    expect(priceFor(item, 'SILVER')).toBe(6000);
    expect(priceFor(item, null)).toBe(6000);
  });

  it('refuses out of stock, over the limit, out of its dates, and without verification above the threshold', () => {
    expect(codeOf(() => assertMayRedeem({ ...item, stock: 0 }, { redeemedBefore: 0, verification: verified }, now, 5000))).toBe('CONFLICT');
    expect(codeOf(() => assertMayRedeem(item, { redeemedBefore: 1, verification: verified }, now, 5000))).toBe('CONFLICT');
    expect(codeOf(() => assertMayRedeem(item, { redeemedBefore: 0, verification: verified }, new Date('2027-02-01T00:00:00Z'), 5000))).toBe(
      'CONFLICT',
    );
    expect(codeOf(() => assertMayRedeem(item, { redeemedBefore: 0, verification: null }, now, 5000))).toBe('VERIFICATION_REQUIRED');
    expect(
      codeOf(() =>
        assertMayRedeem(item, { redeemedBefore: 0, verification: { level: 'none', expiresAt: null, refused: false } }, now, 5000),
      ),
    ).toBe('VERIFICATION_REQUIRED');
    // Lapsed, or refused: closed as if never verified.
    expect(
      codeOf(() =>
        assertMayRedeem(item, { redeemedBefore: 0, verification: { ...verified, expiresAt: new Date('2026-11-01T00:00:00Z') } }, now, 5000),
      ),
    ).toBe('VERIFICATION_REQUIRED');
    expect(
      codeOf(() =>
        assertMayRedeem(item, { redeemedBefore: 0, verification: { level: 'advanced', expiresAt: null, refused: true } }, now, 5000),
      ),
    ).toBe('VERIFICATION_REQUIRED');
    expect(codeOf(() => assertMayRedeem(item, { redeemedBefore: 0, verification: verified }, now, 5000))).toBe('no error');
    expect(codeOf(() => assertMayRedeem(item, { redeemedBefore: 0, verification: null }, now, 10_000))).toBe('no error');
  });
});
