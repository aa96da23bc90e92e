import { badInput } from '@membership/domain';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An id argument (members, orders, items and lotteries have UUIDs); anything else is BAD_USER_INPUT before it reaches SQL. */
export function idArg(value: string, field: string): string {
  if (!UUID.test(value)) throw badInput(`"${value}" is not a valid id.`, field);
  return value;
}

/** An idempotency key: 1 to 200 characters. */
export function keyArg(value: string): string {
  const key = value.trim();
  if (key.length === 0 || key.length > 200) throw badInput('An idempotency key has 1 to 200 characters.', 'idempotencyKey');
  return key;
}

/** A currency code: three capital letters (ISO 4217). */
export function currencyArg(value: string): string {
  if (!/^[A-Z]{3}$/.test(value)) throw badInput(`"${value}" is not a currency code such as CNY.`, 'currency');
  return value;
}
