import { describe, expect, it } from 'vitest';
import { DomainError } from '@membership/subgraph';
import { DevelopmentIdentityChecker } from '../../src/domain/identity-check.js';
import { checkCharacter, parseResidentId, validateRealName } from '../../src/domain/resident-id.js';
import { addMonths, displayStatus, effectiveLevel, renewable, validImageReference } from '../../src/domain/verification-rules.js';

const NOW = new Date('2026-11-29T10:00:00Z');
const failure = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainError) return `${e.code}:${e.field}:${e.message}`;
    throw e;
  }
  return 'ok';
};

describe('resident ID numbers', () => {
  it("the standard's own examples are valid, a lower-case x is accepted and spaces are ignored", () => {
    expect(parseResidentId('11010519491231002X', NOW)).toEqual({ number: '11010519491231002X', birthDate: '1949-12-31' });
    const cantonese = `44052419800101001${checkCharacter('44052419800101001')}`;
    expect(parseResidentId(cantonese, NOW)).toEqual({ number: cantonese, birthDate: '1980-01-01' });
    expect(parseResidentId('110105 19491231 002x', NOW).number).toBe('11010519491231002X');
  });
  it('the check character follows ISO 7064 MOD 11-2', () => {
    expect(checkCharacter('11010519491231002')).toBe('X');
    expect(checkCharacter('44052418800101001')).toBe('4');
  });
  it.each([
    ['a mistyped digit', '11010519491231003X', /last character/],
    ['15 digits (the old format)', '110105491231002', /18 characters/],
    ['letters inside', '1101051949123A002X', /18 characters/],
    ['an unknown province', '99010519491231002X', /province/],
    ['a birth year before 1900', '440524188001010014', /birth date/],
    ['the 30th of February', '110105' + '19900230' + '0021', /birth date/],
    ['a birth date in the future', '110105' + '20300101' + '0021', /birth date/],
  ])('refuses %s as BAD_USER_INPUT naming idNumber', (_what, number, why) => {
    const f = failure(() => parseResidentId(number, NOW));
    expect(f).toMatch(/^BAD_USER_INPUT:idNumber:/);
    expect(f).toMatch(why);
  });
});

describe('real names', () => {
  it('accepts Chinese names, minority names with · and Latin names, tidying spaces', () => {
    expect(validateRealName(' 张三 ')).toBe('张三');
    expect(validateRealName('买买提•艾力')).toBe('买买提·艾力');
    expect(validateRealName('Anna  Maria Li')).toBe('Anna Maria Li');
  });
  it.each([
    ['one character', '张'],
    ['digits', '张3'],
    ['empty', '  '],
    ['too long', 'a'.repeat(51)],
  ])('refuses %s', (_w, name) => {
    expect(failure(() => validateRealName(name))).toMatch(/^BAD_USER_INPUT:realName:/);
  });
});

describe('verification levels', () => {
  const approved = (level: string, expiresAt: string) => ({ level, status: 'approved', expiresAt: new Date(expiresAt) });

  it('no live primary is NONE even with a live advanced', () => {
    expect(effectiveLevel([approved('advanced', '2027-06-01T00:00:00Z')], NOW)).toEqual({ level: 'none', expiresAt: null });
    expect(effectiveLevel([approved('primary', '2026-11-01T00:00:00Z')], NOW)).toEqual({ level: 'none', expiresAt: null });
  });
  it('a live primary is PRIMARY until it lapses; with a live advanced it is ADVANCED until the first lapses', () => {
    expect(effectiveLevel([approved('primary', '2027-11-29T10:00:00Z')], NOW)).toEqual({
      level: 'primary',
      expiresAt: new Date('2027-11-29T10:00:00Z'),
    });
    expect(effectiveLevel([approved('primary', '2027-11-29T10:00:00Z'), approved('advanced', '2027-03-01T00:00:00Z')], NOW)).toEqual({
      level: 'advanced',
      expiresAt: new Date('2027-03-01T00:00:00Z'),
    });
  });
  it('pending, rejected and superseded verifications count for nothing', () => {
    for (const status of ['pending', 'rejected', 'superseded']) {
      expect(effectiveLevel([{ level: 'primary', status, expiresAt: new Date('2027-01-01T00:00:00Z') }], NOW).level).toBe('none');
    }
  });
  it('an approved verification past its expiry shows as EXPIRED', () => {
    expect(displayStatus(approved('primary', '2026-11-29T09:59:59Z'), NOW)).toBe('EXPIRED');
    expect(displayStatus(approved('primary', '2026-12-29T00:00:00Z'), NOW)).toBe('APPROVED');
    expect(displayStatus({ level: 'advanced', status: 'pending', expiresAt: null }, NOW)).toBe('PENDING');
  });
  it('twelve months later is the same day, or the last day of a shorter month', () => {
    expect(addMonths(NOW, 12).toISOString()).toBe('2027-11-29T10:00:00.000Z');
    expect(addMonths(new Date('2027-01-31T08:00:00Z'), 1).toISOString()).toBe('2027-02-28T08:00:00.000Z');
    expect(addMonths(new Date('2024-02-29T00:00:00Z'), 12).toISOString()).toBe('2025-02-28T00:00:00.000Z');
  });
  it('a verification may be renewed from 30 days before it lapses', () => {
    const policy = { validMonths: 12, renewDaysBefore: 30, primaryAttemptsPerDay: 5 };
    expect(renewable(new Date(NOW.getTime() + 31 * 86_400_000), NOW, policy)).toBe(false);
    expect(renewable(new Date(NOW.getTime() + 30 * 86_400_000), NOW, policy)).toBe(true);
  });
  it('image references look like storage references, not images', () => {
    expect(validImageReference('s3://kyc/ana/front.jpg')).toBe(true);
    expect(validImageReference('upload:7f3a')).toBe(true);
    expect(validImageReference('data:image/png;base64,' + 'A'.repeat(600))).toBe(false);
    expect(validImageReference('front.jpg')).toBe(false);
  });
});

describe('the development identity checker', () => {
  it('matches every pair except ID numbers with sequence digits 999', async () => {
    const checker = new DevelopmentIdentityChecker();
    expect(await checker.check({ realName: '张三', idNumber: '11010519491231002X' })).toEqual({ match: true });
    expect((await checker.check({ realName: '张三', idNumber: '110105194912319991' })).match).toBe(false);
  });
});
