import { describe, expect, it } from 'vitest';
import { evaluateTier, pointsMultiplier, TIER_LADDER, type TierThreshold } from '../../src/domain/tiers.js';

const codeFor = (spend: number) => evaluateTier(spend, TIER_LADDER).code;

describe('evaluateTier', () => {
  it('puts a member who has spent nothing in Bronze', () => {
    expect(codeFor(0)).toBe('BRONZE');
  });

  it('reaches a tier exactly at its threshold and not one minor unit before', () => {
    expect(codeFor(99_999)).toBe('BRONZE');
    expect(codeFor(100_000)).toBe('SILVER');
    expect(codeFor(499_999)).toBe('SILVER');
    expect(codeFor(500_000)).toBe('GOLD');
    expect(codeFor(1_500_000)).toBe('PLATINUM');
  });

  it('gives the highest tier met, however far past the top threshold the spend goes', () => {
    expect(codeFor(5_000_000)).toBe('DIAMOND');
    expect(codeFor(900_000_000)).toBe('DIAMOND');
  });

  it('does not depend on the order the ladder is listed in', () => {
    const shuffled = [TIER_LADDER[3]!, TIER_LADDER[0]!, TIER_LADDER[4]!, TIER_LADDER[2]!, TIER_LADDER[1]!];
    expect(evaluateTier(600_000, shuffled).code).toBe('GOLD');
  });

  it('leaves a member whose refunds exceed their counted spend in the lowest tier', () => {
    expect(codeFor(-2_500)).toBe('BRONZE');
  });

  it('uses the lowest tier when the ladder has no zero threshold and the spend meets none', () => {
    const ladder: TierThreshold[] = [
      { code: 'SILVER', rank: 2, minQualifyingSpend: 1_000 },
      { code: 'GOLD', rank: 3, minQualifyingSpend: 5_000 },
    ];
    expect(evaluateTier(10, ladder).code).toBe('SILVER');
  });

  it('refuses an empty ladder and fractional minor units', () => {
    expect(() => evaluateTier(0, [])).toThrow(/empty/);
    expect(() => codeFor(10.5)).toThrow(/whole minor units/);
  });
});

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
