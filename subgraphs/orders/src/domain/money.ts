import { badInput } from '@membership/domain';

/** An amount of money: integer minor units (fen for CNY, cents for USD) and an ISO 4217 code. */
export interface Money {
  amount: number;
  currency: string;
}

/** The largest amount a column can hold (Postgres `integer`). */
const MAX_AMOUNT = 2_147_483_647;

const CURRENCY = /^[A-Z]{3}$/;

/** Checks a currency code: three upper-case letters (CNY, USD). */
function currencyCode(raw: string, field = 'currency'): string {
  if (!CURRENCY.test(raw)) throw badInput(`"${raw}" is not a currency code. Use three capital letters, e.g. CNY.`, field);
  return raw;
}

/**
 * Builds a money value, refusing what cannot be one: fractions of the minor unit,
 * negative amounts and amounts too large to store.
 */
export function money(amount: number, currency: string, field = 'amount'): Money {
  if (!Number.isInteger(amount)) {
    throw badInput(`${field} must be a whole number of minor units (fen, cents); ${amount} is not.`, field);
  }
  if (amount < 0) throw badInput(`${field} cannot be negative; ${amount} is.`, field);
  if (amount > MAX_AMOUNT) throw badInput(`${field} is larger than the most an order can hold (${MAX_AMOUNT}).`, field);
  return { amount, currency: currencyCode(currency) };
}

/** Adds two amounts in the same currency; different currencies are never added. */
export function addMoney(a: Money, b: Money): Money {
  if (a.currency !== b.currency) {
    throw badInput(`Cannot add ${b.currency} to ${a.currency}: every amount in an order must be in one currency.`, 'currency');
  }
  return money(a.amount + b.amount, a.currency, 'total');
}

/** `unit` times a whole, positive quantity. */
export function multiplyMoney(unit: Money, quantity: number, field = 'quantity'): Money {
  if (!Number.isInteger(quantity) || quantity < 1) {
    throw badInput(`${field} must be a whole number of at least 1; ${quantity} is not.`, field);
  }
  return money(unit.amount * quantity, unit.currency, 'total');
}

/** The sum of `values`, all in `currency`; zero when there are none. */
export function sumMoney(values: readonly Money[], currency: string): Money {
  return values.reduce(addMoney, money(0, currency));
}

/** True when both are the same amount in the same currency. */
export function sameMoney(a: Money, b: Money): boolean {
  return a.amount === b.amount && a.currency === b.currency;
}
