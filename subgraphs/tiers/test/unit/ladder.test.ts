import { describe, expect, it } from 'vitest';
import { pointsMultiplier, TIER_LADDER } from '../../src/domain/tiers.js';

describe('the shipped ladder', () => {
  it('has strictly rising thresholds and multipliers by rank, starting at zero spend', () => {
    const byRank = [...TIER_LADDER].sort((a, b) => a.rank - b.rank);
    expect(byRank[0]!.minQualifyingSpend).toBe(0);
    for (let i = 1; i < byRank.length; i++) {
      expect(byRank[i]!.minQualifyingSpend).toBeGreaterThan(byRank[i - 1]!.minQualifyingSpend);
      expect(byRank[i]!.pointsMultiplierPercent).toBeGreaterThan(byRank[i - 1]!.pointsMultiplierPercent);
    }
  });

  it('shows a 150 percent multiplier as 1.5', () => {
    expect(pointsMultiplier(150)).toBe(1.5);
  });
});
