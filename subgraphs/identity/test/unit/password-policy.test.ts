import { describe, expect, it } from 'vitest';
import { checkPassword } from '../../src/domain/password-policy.js';
import { normaliseEmail, normalisePhone, parseLogin } from '../../src/domain/contact.js';
import { hashPassword, verifyPassword } from '../../src/domain/password-hash.js';
import { secondsLocked } from '../../src/domain/lockout.js';

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return (e as { code?: string; field?: string }).code + ':' + (e as { field?: string }).field;
  }
  return 'ok';
};

describe('password policy', () => {
  it('accepts a long password with three character classes', () => {
    expect(codeOf(() => checkPassword('Harbour-lights-42'))).toBe('ok');
  });
  it.each([
    ['short', 'Ab1!'],
    ['one class', 'abcdefghijkl'],
    ['two classes', 'abcdefghij12'],
    ['common', 'Password123'],
  ])('refuses a %s password', (_why, password) => {
    expect(codeOf(() => checkPassword(password))).toBe('BAD_USER_INPUT:password');
  });
  it('refuses a password that contains the email name or the phone number', () => {
    expect(codeOf(() => checkPassword('Annabelle-2026', { email: 'annabelle@example.com' }))).toBe('BAD_USER_INPUT:password');
    expect(codeOf(() => checkPassword('Xx-13812345678', { phone: '+8613812345678' }))).toBe('BAD_USER_INPUT:password');
  });
});

describe('contact values', () => {
  it('lower-cases emails and refuses malformed ones', () => {
    expect(normaliseEmail(' Ana@Example.COM ')).toBe('ana@example.com');
    expect(codeOf(() => normaliseEmail('ana@'))).toBe('BAD_USER_INPUT:email');
  });
  it('turns a mainland mobile number into E.164 and keeps E.164 as it is', () => {
    expect(normalisePhone('138 1234 5678')).toBe('+8613812345678');
    expect(normalisePhone('+44 20 7946 0958')).toBe('+442079460958');
    expect(codeOf(() => normalisePhone('12345'))).toBe('BAD_USER_INPUT:phone');
  });
  it('tells an email login from a phone login', () => {
    expect(parseLogin('ana@example.com')).toEqual({ email: 'ana@example.com' });
    expect(parseLogin('13812345678')).toEqual({ phone: '+8613812345678' });
    expect(codeOf(() => parseLogin('ana'))).toBe('BAD_USER_INPUT:login');
  });
});

describe('password hashing', () => {
  it('verifies the right password and refuses a wrong one, with a fresh salt each time', async () => {
    const a = await hashPassword('Harbour-lights-42');
    const b = await hashPassword('Harbour-lights-42');
    expect(a).not.toBe(b);
    expect(a.startsWith('scrypt$32768$8$1$')).toBe(true);
    expect(await verifyPassword('Harbour-lights-42', a)).toBe(true);
    expect(await verifyPassword('Harbour-lights-43', a)).toBe(false);
  });
});

describe('lockout', () => {
  it('counts the seconds left on a lock and nothing once it has passed', () => {
    const now = new Date('2026-11-29T10:00:00Z');
    expect(secondsLocked(new Date('2026-11-29T10:15:00Z'), now)).toBe(900);
    expect(secondsLocked(new Date('2026-11-29T09:59:00Z'), now)).toBe(0);
    expect(secondsLocked(null, now)).toBe(0);
  });
});
