import { describe, expect, it } from 'vitest';
import { DomainError } from '@membership/subgraph';
import {
  checkPoliciesAccepted,
  policyEffectiveAt,
  consentsExport,
  marketingChanges,
  marketingPreferences,
  partnerSharing,
  policiesToAccept,
  policyTextHash,
  sharesWith,
  validatePartnerId,
  validatePolicyVersion,
  type ConsentState,
} from '../../src/domain/consent-rules.js';

const at = (minute: number) => new Date(Date.UTC(2026, 10, 29, 10, minute));
const marketing = (channel: string, granted: boolean, minute: number): ConsentState => ({
  purpose: 'marketing',
  marketingChannel: channel,
  partnerId: null,
  piiCategory: null,
  granted,
  recordedAt: at(minute),
});
const partner = (partnerId: string, category: string, granted: boolean, minute: number): ConsentState => ({
  purpose: 'partner_sharing',
  marketingChannel: null,
  partnerId,
  piiCategory: category,
  granted,
  recordedAt: at(minute),
});
const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainError) return `${e.code}:${e.field}`;
    throw e;
  }
  return 'ok';
};

describe('policy versions', () => {
  it('accepts versions like 2026-11 and 3.1, refuses spaces and empty ones', () => {
    expect(validatePolicyVersion(' 2026-11 ')).toBe('2026-11');
    expect(validatePolicyVersion('3.1')).toBe('3.1');
    expect(codeOf(() => validatePolicyVersion('v 2'))).toBe('BAD_USER_INPUT:version');
    expect(codeOf(() => validatePolicyVersion(''))).toBe('BAD_USER_INPUT:version');
  });

  it('the text hash is the SHA-256 of the text, and an empty text is refused', () => {
    expect(policyTextHash('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(codeOf(() => policyTextHash('   '))).toBe('BAD_USER_INPUT:text');
  });

  it('a member must accept the current version of each kind they have not accepted', () => {
    const current = [
      { id: 'p2', kind: 'privacy', version: '2' },
      { id: 't1', kind: 'terms', version: '1' },
    ];
    expect(policiesToAccept(current, new Set(['p1', 't1']))).toEqual([current[0]]);
    expect(codeOf(() => checkPoliciesAccepted([]))).toBe('ok');
    expect(codeOf(() => checkPoliciesAccepted([current[0]!]))).toBe('POLICY_ACCEPTANCE_REQUIRED:policy');
  });
});

describe('consents in force', () => {
  it('the newest record per channel wins; everything is off until given', () => {
    const records = [marketing('email', true, 1), marketing('email', false, 2), marketing('push', true, 3)];
    expect(marketingPreferences(records)).toEqual({ sms: false, email: false, push: true, personalisedRecommendations: false });
    expect(marketingPreferences([])).toEqual({ sms: false, email: false, push: false, personalisedRecommendations: false });
  });

  it('of two records in the same instant the one recorded later is in force', () => {
    const grant = { ...partner('acme', 'CONTACT', true, 1), seq: 7 };
    const revoke = { ...partner('acme', 'CONTACT', false, 1), seq: 8 };
    expect(sharesWith([revoke, grant], 'acme', 'CONTACT')).toBe(false);
    expect(sharesWith([{ ...revoke, seq: 6 }, grant], 'acme', 'CONTACT')).toBe(true);
  });

  it('an update records only what changes', () => {
    const records = [marketing('push', true, 1)];
    expect(marketingChanges({ push: true, sms: false, email: true }, records)).toEqual([
      { purpose: 'marketing', marketingChannel: 'email', partnerId: null, piiCategory: null, granted: true },
    ]);
    expect(marketingChanges({ personalisedRecommendations: true }, records)).toEqual([
      { purpose: 'personalisation', marketingChannel: null, partnerId: null, piiCategory: null, granted: true },
    ]);
  });

  it('partner sharing is per partner and per category; a withdrawal ends it', () => {
    const records = [partner('acme', 'CONTACT', true, 1), partner('acme', 'LOCATION', true, 2), partner('acme', 'CONTACT', false, 3)];
    expect(sharesWith(records, 'acme', 'CONTACT')).toBe(false);
    expect(sharesWith(records, 'acme', 'LOCATION')).toBe(true);
    expect(partnerSharing(records, new Date()).map((r) => r.piiCategory)).toEqual(['LOCATION']);
    // A consent given until a date is in force before it and lapses at it.
    const until = new Date('2027-01-01T00:00:00Z');
    const lapsing = records.map((r) => (r.piiCategory === 'LOCATION' ? { ...r, expiresAt: until } : r));
    expect(partnerSharing(lapsing, new Date('2026-12-31T23:59:59Z')).map((r) => r.piiCategory)).toEqual(['LOCATION']);
    expect(partnerSharing(lapsing, until)).toEqual([]);
  });

  it('partner ids are short and plain', () => {
    expect(validatePartnerId(' acme-travel ')).toBe('acme-travel');
    expect(codeOf(() => validatePartnerId('acme travel'))).toBe('BAD_USER_INPUT:partnerId');
    expect(codeOf(() => validatePartnerId('x'.repeat(65)))).toBe('BAD_USER_INPUT:partnerId');
  });

  it('the export lists acceptances and every consent record oldest first', () => {
    const out = consentsExport(
      [{ acceptedAt: at(5), channel: 'web', method: 'checkbox', policy: { kind: 'privacy', version: '1', textHash: 'h' } }],
      [
        { ...marketing('sms', false, 9), channel: 'app', method: 'button' },
        { ...marketing('sms', true, 4), channel: 'web', method: 'checkbox' },
      ],
    );
    expect(out.policyAcceptances).toEqual([
      { kind: 'privacy', version: '1', textHash: 'h', at: at(5).toISOString(), channel: 'web', method: 'checkbox' },
    ]);
    expect(out.consents.map((c) => c.granted)).toEqual([true, false]);
  });
});

describe('when a new policy version takes effect', () => {
  const now = new Date('2026-11-30T00:00:00Z');
  const week = new Date('2026-12-07T00:00:00Z');
  it('the first version of a policy takes effect at once; a replacement after the notice period', () => {
    expect(policyEffectiveAt(false, now, 7, null)).toEqual(now);
    expect(policyEffectiveAt(true, now, 7, null)).toEqual(week);
  });
  it('a later date may be chosen; a sooner one is refused naming the earliest', () => {
    const later = new Date('2027-01-01T00:00:00Z');
    expect(policyEffectiveAt(true, now, 7, later)).toEqual(later);
    expect(() => policyEffectiveAt(true, now, 7, new Date('2026-12-01T00:00:00Z'))).toThrow(/announced 7 days before.*2026-12-07/);
  });
});
