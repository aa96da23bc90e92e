import { describe, expect, it } from 'vitest';
import { SANCTION_KINDS } from '@membership/events';
import {
  benefitChangeNotice,
  policyChangedNotice,
  pointsExpiringNotice,
  renderNotice,
  sanctionAppliedNotice,
  sanctionLiftedNotice,
  tierChangedNotice,
  type NoticeText,
} from '../../src/domain/notices.js';
import type { Language } from '../../src/messages/index.js';

/** A notice's words as a member reading in `language` sees them. */
const words = (notice: NoticeText | null, language: Language = 'en') => {
  if (!notice) throw new Error('no notice');
  return { kind: notice.kind, ...renderNotice({ ...notice, title: null, body: null }, language) };
};

describe('notice texts', () => {
  it('a tier change names both tiers as words; the tier a member starts in gets no notice', () => {
    expect(words(tierChangedNotice({ memberId: 'm', from: 'SILVER', to: 'GOLD', reason: 'qualifying_spend' }))).toEqual({
      kind: 'tier_changed',
      title: 'Your tier is now Gold',
      body: 'You moved from Silver to Gold.',
    });
    expect(words(tierChangedNotice({ memberId: 'm', from: 'SILVER', to: 'GOLD', reason: 'qualifying_spend' }), 'zh-CN').title).toBe(
      '您的会员等级已变为黄金',
    );
    expect(tierChangedNotice({ memberId: 'm', from: null, to: 'BRONZE', reason: 'registered' })).toBeNull();
  });

  it('only a tier downgrade is a must-tell notice (emailed too), not an upgrade', () => {
    expect(tierChangedNotice({ memberId: 'm', from: 'GOLD', to: 'SILVER', reason: 'reevaluation' })?.outOfApp).toBe(true);
    expect(tierChangedNotice({ memberId: 'm', from: 'SILVER', to: 'GOLD', reason: 'qualifying_spend' })?.outOfApp).toBe(false);
  });

  it('each sanction kind moderation applies has its own words: RESTRICTED_BENEFITS reads "Your benefits were restricted"', () => {
    const applied = (kind: (typeof SANCTION_KINDS)[number]) => sanctionAppliedNotice({ sanctionId: 's', memberId: 'm', kind });
    expect(words(applied('RESTRICTED_BENEFITS'))).toEqual({
      kind: 'sanction_applied',
      title: 'Your benefits were restricted',
      body: 'See your standing for the reason and how long it lasts.',
    });
    expect(SANCTION_KINDS.map((kind) => words(applied(kind)).title)).toEqual([
      'You received a warning',
      'Your benefits were restricted',
      'Your tier was lowered',
      'Your account was banned',
    ]);
    expect(SANCTION_KINDS.every((kind) => applied(kind).outOfApp)).toBe(true);
  });

  it('a lifted sanction says what the member has back', () => {
    const lifted = (kind: (typeof SANCTION_KINDS)[number]) => sanctionLiftedNotice({ sanctionId: 's', memberId: 'm', kind });
    expect(words(lifted('RESTRICTED_BENEFITS'))).toEqual({
      kind: 'sanction_lifted',
      title: 'Your benefits are restored',
      body: 'Your tier benefits apply to you again.',
    });
    expect(SANCTION_KINDS.map((kind) => words(lifted(kind)).title)).toEqual([
      'Your warning was withdrawn',
      'Your benefits are restored',
      'Your tier downgrade was lifted',
      'Your account is no longer banned',
    ]);
  });

  it('a new policy version says which and that withdrawing needs nothing, and is emailed too', () => {
    expect(words(policyChangedNotice({ kind: 'privacy', version: '2027-01' }))).toMatchObject({
      kind: 'policy_changed',
      title: 'New privacy policy: version 2027-01',
    });
    expect(words(policyChangedNotice({ kind: 'privacy', version: '2027-01' }), 'zh-CN').title).toBe('新版隐私政策：2027-01');
    expect(words(policyChangedNotice({ kind: 'terms', version: '2' })).body).toMatch(/withdrawing them needs nothing/);
    expect(policyChangedNotice({ kind: 'terms', version: '2' }).outOfApp).toBe(true);
  });

  it('expiring points and benefit changes give the day', () => {
    expect(words(pointsExpiringNotice({ memberId: 'm', points: 1, expiresAt: '2027-01-31T23:59:59Z' })).title).toBe(
      '1 point expires on 2027-01-31',
    );
    expect(words(pointsExpiringNotice({ memberId: 'm', points: 120, expiresAt: '2027-01-31T23:59:59Z' })).title).toBe(
      '120 points expire on 2027-01-31',
    );
    expect(words(benefitChangeNotice({ tier: 'GOLD', benefit: 'Free shipping', effectiveAt: '2027-02-01T00:00:00Z' }))).toEqual({
      kind: 'benefit_change',
      title: 'A change to your Gold benefits',
      body: 'Free shipping changes from 2027-02-01.',
    });
    expect(benefitChangeNotice({ tier: 'GOLD', benefit: 'Free shipping', effectiveAt: '2027-02-01T00:00:00Z' }).outOfApp).toBe(true);
  });

  it('a notice stored before the catalogues keeps the words it was stored with', () => {
    expect(renderNotice({ template: null, params: null, title: 'Old title', body: 'Old body' }, 'zh-CN')).toEqual({
      title: 'Old title',
      body: 'Old body',
    });
  });
});

describe('verification decision notices', () => {
  it('an approval says until when; a rejection gives the reason; each decision has one inbox key, apart from the expiry reminder', async () => {
    const { verificationDecidedNotice, decisionNoticeId } = await import('../../src/domain/notices.js');
    expect(
      words(verificationDecidedNotice({ status: 'approved', reason: null, expiresAt: new Date('2027-11-30T00:00:00Z') })).body,
    ).toContain('valid until 2027-11-30');
    expect(words(verificationDecidedNotice({ status: 'rejected', reason: 'The photo is blurred.', expiresAt: null })).body).toBe(
      'Your advanced real-name verification was not approved: The photo is blurred. You may submit it again.',
    );
    const id = '00000000-0000-4000-8000-000000000001';
    expect(decisionNoticeId(id)).toBe(decisionNoticeId(id));
    expect(decisionNoticeId(id)).not.toBe(id);
    expect(decisionNoticeId(id)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe('reading a notice whose message left the catalogues', () => {
  it('shows its stored words or its template id instead of failing the inbox', async () => {
    const { readNotice } = await import('../../src/domain/notices.js');
    expect(readNotice({ template: 'orders.gone', params: {}, title: null, body: null }, 'en')).toEqual({ title: 'orders.gone', body: '' });
    expect(() => renderNotice({ template: 'orders.gone', params: {}, title: null, body: null }, 'en')).toThrow(
      'no message orders.gone.title in en',
    );
  });
});
