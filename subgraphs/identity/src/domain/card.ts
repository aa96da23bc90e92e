import { randomInt } from 'node:crypto';

/** A member's card as stored. */
export interface MemberCardRow {
  memberId: string;
  number: string;
  issuedAt: Date;
}

/** Storage of member cards. */
export interface CardStore {
  /**
   * Each member's card, issuing one (number from `newNumber`) to those without: one insert
   * and one select for all, whatever their number.
   */
  cardsFor(memberIds: readonly string[], newNumber: () => string, now: Date): Promise<Map<string, MemberCardRow>>;
}

/** The Luhn check digit of `digits`, so a mistyped number is caught before any lookup. */
export function luhnDigit(digits: string): string {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return String((10 - (sum % 10)) % 10);
}

/** A new member number: 11 random digits (no leading zero) and a Luhn check digit. Random, so it tells nothing of how many members there are. */
export function newMemberNumber(): string {
  const body = String(randomInt(1, 10)) + String(randomInt(0, 10 ** 10)).padStart(10, '0');
  return body + luhnDigit(body);
}

/** True when `number` is 12 digits whose last is the Luhn check digit of the rest. */
export function isMemberNumber(number: string): boolean {
  return /^\d{12}$/.test(number) && luhnDigit(number.slice(0, 11)) === number[11];
}
