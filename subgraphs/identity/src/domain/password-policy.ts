import { badInput } from '@membership/domain';
import { COMMON_PASSWORDS } from './common-passwords.js';

/** The one place the password rules live. */
const PASSWORD_POLICY = {
  minLength: 10,
  maxLength: 128,
  /** Of lower-case, upper-case, digit, symbol. */
  minCharacterClasses: 3,
} as const;

function characterClasses(password: string): number {
  return [/[a-z]/, /[A-Z]/, /\d/, /[^A-Za-z0-9]/].filter((r) => r.test(password)).length;
}

/**
 * Throws BAD_USER_INPUT with a message that says what to change, or returns when
 * the password is acceptable for an account with these contact values.
 */
export function checkPassword(password: string, contacts: { email?: string; phone?: string } = {}, field = 'password'): void {
  const { minLength, maxLength, minCharacterClasses } = PASSWORD_POLICY;
  const fail = (why: string) => badInput(`Choose another password: ${why}`, field);
  if (password.length < minLength) throw fail(`it must be at least ${minLength} characters long.`);
  if (password.length > maxLength) throw fail(`it must be at most ${maxLength} characters long.`);
  if (characterClasses(password) < minCharacterClasses) {
    throw fail(`use at least ${minCharacterClasses} of lower-case letters, upper-case letters, digits and symbols.`);
  }
  const lower = password.toLowerCase();
  if (COMMON_PASSWORDS.has(lower)) throw fail('it is among the most common passwords.');
  const localPart = contacts.email?.split('@')[0];
  const digits = contacts.phone?.replace(/\D/g, '');
  if ((localPart && localPart.length >= 4 && lower.includes(localPart)) || (digits && password.includes(digits.slice(-8)))) {
    throw fail('it must not contain your email address or phone number.');
  }
}
