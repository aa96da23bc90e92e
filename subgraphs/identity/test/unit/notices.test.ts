import { describe, expect, it } from 'vitest';
import { benefitChangeNotice, policyChangedNotice, pointsExpiringNotice, sanctionAppliedNotice, sanctionLiftedNotice, tierChangedNotice } from '../../src/domain/notices.js';

describe('notice texts', () => {
  it('a tier change names both tiers as words; the tier a member starts in gets no notice', () => {
    expect(tierChangedNotice({ memberId: 'm', from: 'SILVER', to: 'GOLD', reason: 'spend' })).toEqual({
      kind: 'tier_changed',
      title: 'Your tier is now Gold',
      body: 'You moved from Silver to Gold.',
    });
    expect(tierChangedNotice({ memberId: 'm', from: null, to: 'BRONZE', reason: 'registered' })).toBeNull();
  });

  it('sanctions read as words with the right article', () => {
    expect(sanctionAppliedNotice({ sanctionId: 's', memberId: 'm', kind: 'WARNING' }).title).toBe('A warning was applied to your account');
    expect(sanctionAppliedNotice({ sanctionId: 's', memberId: 'm', kind: 'ACCOUNT_BAN' }).title).toBe('An account ban was applied to your account');
    expect(sanctionLiftedNotice({ sanctionId: 's', memberId: 'm', kind: 'RESTRICTION' }).title).toBe('The restriction on your account was lifted');
  });

  it('a new policy version says which and that withdrawing needs nothing', () => {
    expect(policyChangedNotice({ kind: 'privacy', version: '2027-01' })).toMatchObject({ kind: 'policy_changed', title: 'New privacy policy: version 2027-01' });
    expect(policyChangedNotice({ kind: 'terms', version: '2' }).body).toMatch(/withdrawing them needs nothing/);
  });

  it('expiring points and benefit changes give the day', () => {
    expect(pointsExpiringNotice({ memberId: 'm', points: 1, expiresAt: '2027-01-31T23:59:59Z' }).title).toBe('1 point expires on 2027-01-31');
    expect(pointsExpiringNotice({ memberId: 'm', points: 120, expiresAt: '2027-01-31T23:59:59Z' }).title).toBe('120 points expire on 2027-01-31');
    expect(benefitChangeNotice({ tier: 'GOLD', benefit: 'Free shipping', effectiveAt: '2027-02-01T00:00:00Z' })).toEqual({
      kind: 'benefit_change',
      title: 'A change to your Gold benefits',
      body: 'Free shipping changes from 2027-02-01.',
    });
  });
});
