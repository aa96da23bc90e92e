import { describe, expect, it } from 'vitest';
import {
  EMPTY_PROFILE,
  optionalProfileUpdate,
  profileComplete,
  validateAddress,
  validateBirthday,
  validateInterests,
} from '../../src/domain/profile-fields.js';

const NOW = new Date('2026-11-30T12:00:00Z');
const ADDRESS = { province: '上海市', city: '上海市', district: null, line: '南京西路 1 号', postalCode: null };

describe('optional profile fields', () => {
  it('a birthday is a real calendar day, not in the future, at most 130 years back', () => {
    expect(validateBirthday(' 2000-02-29 ', NOW)).toBe('2000-02-29');
    expect(validateBirthday('2026-11-30', NOW)).toBe('2026-11-30');
    for (const bad of ['2001-02-29', '1990-13-01', '17/05/1990', '2026-12-01', '1890-01-01']) {
      expect(() => validateBirthday(bad, NOW), bad).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'birthday' }));
    }
  });

  it('an address needs province, city and line; a postal code is six digits; blanks become null', () => {
    expect(validateAddress({ ...ADDRESS, district: '  ', postalCode: '' })).toEqual(ADDRESS);
    expect(() => validateAddress({ ...ADDRESS, city: '' })).toThrow(expect.objectContaining({ field: 'address.city' }));
    expect(() => validateAddress({ ...ADDRESS, postalCode: '2000a0' })).toThrow(expect.objectContaining({ field: 'address.postalCode' }));
    expect(() => validateAddress({ ...ADDRESS, line: 'a\nb' })).toThrow(expect.objectContaining({ field: 'address.line' }));
  });

  it('interests come from the list, each once, in list order', () => {
    expect(validateInterests(['books', 'TRAVEL', 'books'])).toEqual(['travel', 'books']);
    expect(() => validateInterests(['knitting'])).toThrow(expect.objectContaining({ field: 'interests' }));
  });

  it('complete means birthday, gender, address and at least one interest', () => {
    const full = { birthday: '1990-01-01', gender: 'female' as const, address: ADDRESS, interests: ['food' as const] };
    expect(profileComplete(full)).toBe(true);
    expect(profileComplete({ ...full, interests: [] })).toBe(false);
    expect(profileComplete({ ...full, birthday: null })).toBe(false);
  });

  it('only real changes are named; null and an empty list remove', () => {
    const current = { ...EMPTY_PROFILE, birthday: '1990-01-01', interests: ['food' as const] };
    expect(optionalProfileUpdate(current, { birthday: '1990-01-01' }, NOW)).toEqual({ fields: [] });
    expect(optionalProfileUpdate(current, { birthday: null, interests: [] }, NOW)).toEqual({
      birthday: null,
      interests: [],
      fields: ['birthday', 'interests'],
    });
  });
});
