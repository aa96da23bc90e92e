import { describe, expect, it } from 'vitest';
import { RULES_V1 } from '../../src/domain/rules.js';
import { minQualifyingSpend, pointsMultiplier, TIER_LADDER } from '../../src/domain/tiers.js';

describe('the shipped ladder', () => {
  it('has one rung per rank, starting at 1', () => {
    expect([...TIER_LADDER].sort((a, b) => a.rank - b.rank).map((t) => t.rank)).toEqual([1, 2, 3, 4, 5]);
  });

  it("publishes as a tier's threshold the spend that alone reaches its score: rule version 1 gives 0, 1,000, 5,000, 15,000 and 50,000 yuan", () => {
    const byRank = [...RULES_V1.requirements].sort((a, b) => a.rank - b.rank);
    expect(byRank.map((r) => minQualifyingSpend(r, RULES_V1))).toEqual([0, 100_000, 500_000, 1_500_000, 5_000_000]);
    expect(minQualifyingSpend({ minScore: 1_200 }, { spendPerPoint: 50 })).toBe(60_000);
  });

  it('shows a 150 percent multiplier as 1.5', () => {
    expect(pointsMultiplier(150)).toBe(1.5);
  });
});
