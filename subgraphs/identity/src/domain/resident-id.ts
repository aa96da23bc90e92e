import { badInput } from '@membership/domain';

/** Province-level codes that begin a resident ID number (GB/T 2260). */
const PROVINCES = new Set([
  11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82,
]);

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS = '10X98765432';

/** The ISO 7064 MOD 11-2 check character for the first 17 digits of a resident ID number. */
export function checkCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]!;
  return CHECK_CHARS[sum % 11]!;
}

/** What a valid resident ID number says. */
export interface ResidentId {
  /** 18 characters, upper-case X. */
  number: string;
  birthDate: string;
}

/**
 * Checks an 18-character mainland China resident ID number (GB 11643-1999): region,
 * birth date (a real date, not in the future, not before 1900) and check character.
 * Throws BAD_USER_INPUT naming `field` with what is wrong.
 */
export function parseResidentId(raw: string, now: Date, field = 'idNumber'): ResidentId {
  const number = raw.replace(/\s/g, '').toUpperCase();
  const fail = (why: string) => badInput(`This is not a valid resident ID number: ${why}`, field);
  if (!/^\d{17}[\dX]$/.test(number)) throw fail('it has 18 characters, 17 digits then a digit or X.');
  if (!PROVINCES.has(Number(number.slice(0, 2)))) throw fail('its first two digits are not a province code.');
  const [y, m, d] = [number.slice(6, 10), number.slice(10, 12), number.slice(12, 14)].map(Number) as [number, number, number];
  const birth = new Date(Date.UTC(y, m - 1, d));
  if (
    birth.getUTCFullYear() !== y ||
    birth.getUTCMonth() !== m - 1 ||
    birth.getUTCDate() !== d ||
    y < 1900 ||
    birth.getTime() > now.getTime()
  ) {
    throw fail('digits 7 to 14 are not a birth date.');
  }
  if (checkCharacter(number.slice(0, 17)) !== number[17]) throw fail('the last character does not match (check for a mistyped digit).');
  return { number, birthDate: `${number.slice(6, 10)}-${number.slice(10, 12)}-${number.slice(12, 14)}` };
}

/** A legal name as on an ID card: letters of any script, with the · and spaces of minority and foreign names. */
export function validateRealName(raw: string, field = 'realName'): string {
  const name = raw.trim().replace(/\s+/g, ' ');
  if (!/^[\p{L}\p{M}][\p{L}\p{M}·• .'-]{0,48}[\p{L}\p{M}]$/u.test(name)) {
    throw badInput('Give your legal name as on your ID card: 2 to 50 letters (· and spaces allowed).', field);
  }
  return name.replace(/•/g, '·');
}
