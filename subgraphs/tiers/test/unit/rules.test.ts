import { describe, expect, it } from 'vitest';
import {
  evaluate,
  nextTierNeeds,
  RULES_V1,
  ruleVersionAt,
  tierAtRank,
  violationPenalty,
  windowStart,
  type EvaluationInputs,
} from '../../src/domain/rules.js';

const at = new Date('2026-06-01T00:00:00.000Z');
const none = { check_in: 0, activity: 0, review: 0, share: 0 };
const inputs = (over: Partial<EvaluationInputs> = {}): EvaluationInputs => ({
  qualifyingSpend: 0,
  purchases: 0,
  monthsWithPurchase: 0,
  activity: none,
  violations: 0,
  violationPenalty: 0,
  ...over,
});

describe('evaluate (rule version 1)', () => {
  it('scores spend at one point per 100 minor units, flooring a part point', () => {
    const e = evaluate(inputs({ qualifyingSpend: 99_999 }), RULES_V1, at);
    expect(e.score).toEqual({ spend: 999, activity: 0, loyalty: 0, total: 999 });
    expect(e.earned).toBe('BRONZE');
  });

  it('adds activity by its weights and loyalty by months with a purchase and repeat purchases', () => {
    const e = evaluate(
      inputs({ qualifyingSpend: 50_000, purchases: 3, monthsWithPurchase: 2, activity: { check_in: 7, activity: 2, review: 3, share: 4 } }),
      RULES_V1,
      at,
    );
    // 500 spend + (7·1 + 2·20 + 3·10 + 4·5 = 97) activity + (2·50 + 2·20 = 140) loyalty
    expect(e.score).toEqual({ spend: 500, activity: 97, loyalty: 140, total: 737 });
    expect(e.repeatPurchases).toBe(2);
  });

  it('reaches a tier exactly at its score and not one point before', () => {
    expect(evaluate(inputs({ qualifyingSpend: 100_000 }), RULES_V1, at).earned).toBe('SILVER');
    expect(evaluate(inputs({ qualifyingSpend: 99_900, activity: { ...none, check_in: 1 } }), RULES_V1, at).earned).toBe('SILVER');
    expect(evaluate(inputs({ qualifyingSpend: 99_900 }), RULES_V1, at).earned).toBe('BRONZE');
  });

  it('holds a member with enough score below a tier whose credit score violations took them under', () => {
    const clean = evaluate(inputs({ qualifyingSpend: 600_000 }), RULES_V1, at);
    expect(clean).toMatchObject({ creditScore: 100, earned: 'GOLD' });
    const penalty = violationPenalty(['BAN'], RULES_V1);
    const banned = evaluate(inputs({ qualifyingSpend: 600_000, violations: 1, violationPenalty: penalty }), RULES_V1, at);
    expect(banned).toMatchObject({ creditScore: 50, earned: 'BRONZE' });
    const warned = evaluate(
      inputs({ qualifyingSpend: 600_000, violations: 2, violationPenalty: violationPenalty(['WARNING', 'RESTRICTED_BENEFITS'], RULES_V1) }),
      RULES_V1,
      at,
    );
    expect(warned).toMatchObject({ creditScore: 75, earned: 'GOLD' });
  });

  it('never lets the credit score go below zero', () => {
    expect(evaluate(inputs({ violations: 5, violationPenalty: 250 }), RULES_V1, at).creditScore).toBe(0);
  });

  it('records the rule version, the moment and the window start with the inputs', () => {
    const i = inputs({ qualifyingSpend: 1_000 });
    const e = evaluate(i, RULES_V1, at);
    expect(e).toMatchObject({ ruleVersion: 1, evaluatedAt: at, inputs: i });
    expect(e.windowStart.toISOString()).toBe('2025-06-01T00:00:00.000Z');
    expect(windowStart(RULES_V1, at)).toEqual(e.windowStart);
  });

  it('refuses negative or fractional inputs', () => {
    expect(() => evaluate(inputs({ qualifyingSpend: -1 }), RULES_V1, at)).toThrow(/qualifyingSpend/);
    expect(() => evaluate(inputs({ activity: { ...none, review: 1.5 } }), RULES_V1, at)).toThrow(/review/);
  });
});

describe('nextTierNeeds', () => {
  it('tells a Gold member how many points, how much spend and how much credit Platinum still needs', () => {
    const e = evaluate(
      inputs({ qualifyingSpend: 620_050, purchases: 1, monthsWithPurchase: 1, violations: 1, violationPenalty: 30 }),
      RULES_V1,
      at,
    );
    expect(e.score.total).toBe(6_200 + 50);
    expect(nextTierNeeds(e, 'GOLD', RULES_V1)).toEqual({
      tier: 'PLATINUM',
      minScore: 15_000,
      minCreditScore: 80,
      missingScore: 15_000 - 6_250,
      // 8,750 more points from spend: the 50 minor units already past a whole point count.
      spendToClose: 8_750 * 100 - 50,
      missingCreditScore: 10,
    });
  });

  it('measures against the tier held, not the tier earned, and is null at the top', () => {
    const e = evaluate(inputs({ qualifyingSpend: 200_000 }), RULES_V1, at);
    expect(nextTierNeeds(e, 'BRONZE', RULES_V1)).toMatchObject({ tier: 'SILVER', missingScore: 0, spendToClose: 0 });
    expect(nextTierNeeds(e, 'DIAMOND', RULES_V1)).toBeNull();
  });
});

describe('rule versions', () => {
  it('the version in force is the highest whose date has come', () => {
    const v2 = { ...RULES_V1, version: 2, effectiveFrom: new Date('2026-07-01T00:00:00.000Z') };
    expect(ruleVersionAt([RULES_V1, v2], at).version).toBe(1);
    expect(ruleVersionAt([RULES_V1, v2], new Date('2026-07-01T00:00:00.000Z')).version).toBe(2);
    expect(() => ruleVersionAt([v2], at)).toThrow(/No tier rule version/);
  });

  it('clamps a rank to the ladder', () => {
    expect(tierAtRank(0, RULES_V1)).toBe('BRONZE');
    expect(tierAtRank(3, RULES_V1)).toBe('GOLD');
    expect(tierAtRank(9, RULES_V1)).toBe('DIAMOND');
  });
});
