import { describe, expect, it } from 'vitest';
import { announcedBenefit, benefitChange, heldSince, SHIPPED_BENEFITS, type BenefitChangeDraft } from '../../src/domain/benefits.js';

const now = new Date('2026-06-01T00:00:00.000Z');
const days = (n: number) => new Date(now.getTime() + n * 86_400_000);
const draft = (over: Partial<BenefitChangeDraft> = {}): BenefitChangeDraft => ({
  tier: 'GOLD',
  benefit: 'POINTS_MULTIPLIER',
  value: 160,
  description: '1.6 points per yuan.',
  effectiveAt: days(30),
  reason: 'Spring campaign',
  ...over,
});
const refusal = (over: Partial<BenefitChangeDraft>) => {
  try {
    benefitChange(draft(over), now, 30);
  } catch (error) {
    return error as { code: string; field: string; message: string };
  }
  throw new Error('accepted');
};

describe('benefitChange', () => {
  it('accepts a change exactly the notice period ahead', () => {
    expect(benefitChange(draft(), now, 30)).toMatchObject({
      tier: 'GOLD',
      benefit: 'POINTS_MULTIPLIER',
      value: 160,
      removes: false,
      effectiveAt: days(30),
    });
  });

  it('refuses a date inside the notice period, naming the earliest date', () => {
    expect(refusal({ effectiveAt: new Date(days(30).getTime() - 1) })).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'effectiveAt',
      message: expect.stringContaining(days(30).toISOString()),
    });
  });

  it('refuses unknown tiers and benefits, multipliers out of range, removing the multiplier, and changes without a reason or description', () => {
    expect(refusal({ tier: 'TITANIUM' })).toMatchObject({ field: 'tier' });
    expect(refusal({ benefit: 'SPA_DAY' })).toMatchObject({ field: 'benefit' });
    expect(refusal({ value: 90 })).toMatchObject({ field: 'value' });
    expect(refusal({ value: 1.5 })).toMatchObject({ field: 'value' });
    expect(refusal({ removes: true })).toMatchObject({ field: 'removes' });
    expect(refusal({ reason: ' ok ' })).toMatchObject({ field: 'reason' });
    expect(refusal({ benefit: 'FREE_SHIPPING', value: null, description: '  ' })).toMatchObject({ field: 'description' });
    expect(refusal({ benefit: 'REDEMPTION_DISCOUNT', value: 95 })).toMatchObject({ field: 'value' });
  });

  it('a removal needs no value or description and drops any value given', () => {
    expect(benefitChange(draft({ benefit: 'FREE_SHIPPING', removes: true, value: 3, description: null }), now, 30)).toMatchObject({
      removes: true,
      value: null,
      description: null,
    });
  });
});

describe('announcedBenefit and heldSince', () => {
  it('words a change for the announcement with its value', () => {
    expect(announcedBenefit({ benefit: 'POINTS_MULTIPLIER', value: 160, removes: false })).toBe('Points multiplier: 160%');
    expect(announcedBenefit({ benefit: 'PRODUCT_TRIALS', value: 2, removes: false })).toBe('Product trials: 2');
    expect(announcedBenefit({ benefit: 'FREE_SHIPPING', value: null, removes: true })).toBe('Free shipping (ends)');
  });

  it('a benefit applies to a member from the later of its date and their reaching the tier', () => {
    expect(heldSince(days(1), days(5))).toEqual(days(5));
    expect(heldSince(days(9), days(5))).toEqual(days(9));
  });
});

describe('the shipped benefits', () => {
  it('every tier earns points, rising by rank, and only the top tier has an advisor', () => {
    const multipliers = ['BRONZE', 'SILVER', 'GOLD', 'PLATINUM', 'DIAMOND'].map(
      (t) => SHIPPED_BENEFITS.find((b) => b.tier === t && b.benefit === 'POINTS_MULTIPLIER')!.value!,
    );
    expect(multipliers).toEqual([...multipliers].sort((a, b) => a - b));
    expect(new Set(multipliers).size).toBe(5);
    expect(SHIPPED_BENEFITS.filter((b) => b.benefit === 'DEDICATED_ADVISOR').map((b) => b.tier)).toEqual(['DIAMOND']);
  });
});
