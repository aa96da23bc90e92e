import { describe, expect, it } from 'vitest';
import { DomainError } from '@membership/domain';
import { addMoney, money, multiplyMoney, sumMoney } from '../../src/domain/money.js';

const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return error instanceof DomainError ? error.code : 'not a DomainError';
  }
  return 'no error';
};

describe('money', () => {
  it('keeps whole minor units and the currency', () => {
    expect(money(12_800, 'CNY')).toEqual({ amount: 12_800, currency: 'CNY' });
    expect(money(0, 'USD')).toEqual({ amount: 0, currency: 'USD' });
  });

  it('refuses fractions of a fen, negative amounts and amounts too large to store', () => {
    expect(code(() => money(128.5, 'CNY'))).toBe('BAD_USER_INPUT');
    expect(code(() => money(-1, 'CNY'))).toBe('BAD_USER_INPUT');
    expect(code(() => money(Number.NaN, 'CNY'))).toBe('BAD_USER_INPUT');
    expect(code(() => money(2 ** 31, 'CNY'))).toBe('BAD_USER_INPUT');
  });

  it('refuses a currency that is not three capital letters', () => {
    expect(code(() => money(100, 'cny'))).toBe('BAD_USER_INPUT');
    expect(code(() => money(100, 'RMB!'))).toBe('BAD_USER_INPUT');
  });

  it('adds amounts in one currency and refuses to add yuan to dollars', () => {
    expect(addMoney(money(100, 'CNY'), money(250, 'CNY'))).toEqual({ amount: 350, currency: 'CNY' });
    expect(() => addMoney(money(100, 'CNY'), money(250, 'USD'))).toThrow(/Cannot add USD to CNY/);
  });

  it('multiplies a unit price by a whole, positive quantity only', () => {
    expect(multiplyMoney(money(4_500, 'CNY'), 3)).toEqual({ amount: 13_500, currency: 'CNY' });
    expect(code(() => multiplyMoney(money(4_500, 'CNY'), 0))).toBe('BAD_USER_INPUT');
    expect(code(() => multiplyMoney(money(4_500, 'CNY'), 1.5))).toBe('BAD_USER_INPUT');
  });

  it('sums nothing to zero and refuses a sum in a currency other than the one asked for', () => {
    expect(sumMoney([], 'CNY')).toEqual({ amount: 0, currency: 'CNY' });
    expect(sumMoney([money(1, 'CNY'), money(2, 'CNY')], 'CNY')).toEqual({ amount: 3, currency: 'CNY' });
    expect(code(() => sumMoney([money(1, 'USD')], 'CNY'))).toBe('BAD_USER_INPUT');
  });
});
