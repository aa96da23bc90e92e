import { badInput } from '@membership/domain';
import { hasControlCharacter } from './profile-fields.js';

/** The characters of a unified social credit code (GB 32100-2015): digits and capitals without I, O, S, V, Z. */
const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
/** Weight of each of the first 17 characters: 3^(i-1) mod 31. */
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** The check character for the first 17 characters of a code. */
export function creditCodeCheckCharacter(first17: string): string {
  const sum = [...first17].reduce((acc, ch, i) => acc + ALPHABET.indexOf(ch) * WEIGHTS[i]!, 0);
  return ALPHABET[(31 - (sum % 31)) % 31]!;
}

/**
 * Normalises and checks a unified social credit code (统一社会信用代码): 18 characters from
 * the code's alphabet, a registration authority and type the standard knows, a 6-digit
 * administrative division, and the check character the first 17 give.
 */
export function parseCreditCode(raw: string): string {
  const code = raw.replace(/[\s-]/g, '').toUpperCase();
  const fail = (why: string) => badInput(`"${raw}" is not a unified social credit code: ${why}`, 'creditCode');
  if (code.length !== 18) throw fail('it has 18 characters.');
  if ([...code].some((ch) => !ALPHABET.includes(ch))) throw fail('it uses digits and capital letters other than I, O, S, V and Z.');
  if (!/^[1-9A-GY][1-9A-Z]\d{6}/.test(code)) throw fail('it starts with the registration authority, the type and a 6-digit area code.');
  if (creditCodeCheckCharacter(code.slice(0, 17)) !== code[17])
    throw fail('its last character does not match; check it against the business licence.');
  return code;
}

/** The company name as on the licence: 2 to 100 characters on one line. */
export function validateCompanyName(raw: string): string {
  const name = raw.trim();
  if (name.length < 2 || name.length > 100 || hasControlCharacter(name)) {
    throw badInput('Give the company name as on the business licence, 2 to 100 characters.', 'companyName');
  }
  return name;
}
