import { describe, expect, it } from 'vitest';
import { isMemberNumber, luhnDigit, newMemberNumber } from '../../src/domain/card.js';

describe('member numbers', () => {
  it('carry a Luhn check digit, so one mistyped digit is caught', () => {
    expect(luhnDigit('7992739871')).toBe('3');
    const number = newMemberNumber();
    expect(number).toMatch(/^[1-9]\d{11}$/);
    expect(isMemberNumber(number)).toBe(true);
    const typo = number.slice(0, 4) + String((Number(number[4]) + 1) % 10) + number.slice(5);
    expect(isMemberNumber(typo)).toBe(false);
  });
});
