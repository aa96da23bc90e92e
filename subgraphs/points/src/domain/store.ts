import { badInput, conflict, DomainError } from '@membership/domain';
import { VERIFICATION_LEVELS } from '@membership/events';

/** What the store offers. */
export const ITEM_KINDS = ['COUPON', 'PHYSICAL', 'TRIAL', 'EVENT_PLACE', 'BENEFIT'] as const;
export type ItemKind = (typeof ITEM_KINDS)[number];

/** A store item as the rules see it. */
export interface StoreItem {
  id: string;
  kind: ItemKind;
  title: string;
  pricePoints: number;
  /** Lower prices for higher tiers, by tier code. */
  tierPrices: Record<string, number>;
  stock: number;
  perMemberLimit: number | null;
  validFrom: Date;
  validUntil: Date | null;
}

/** What the member pays for `item` at their `tier`: the lowest of the list price and their tier's price. */
export function priceFor(item: Pick<StoreItem, 'pricePoints' | 'tierPrices'>, tier: string | null): number {
  const tierPrice = tier ? item.tierPrices[tier] : undefined;
  return tierPrice !== undefined ? Math.min(item.pricePoints, tierPrice) : item.pricePoints;
}

/**
 * Whether the member may redeem `item` now: on sale, in stock, under their limit, and, for
 * items priced above `verificationAbove` points, with at least primary verification in force.
 */
export function assertMayRedeem(
  item: StoreItem,
  member: { redeemedBefore: number; verification: Verification | null },
  now: Date,
  verificationAbove: number,
): void {
  if (item.validFrom > now) throw conflict(`${item.title} is on sale from ${item.validFrom.toISOString()}.`, 'itemId');
  if (item.validUntil && item.validUntil <= now)
    throw conflict(`${item.title} was on sale until ${item.validUntil.toISOString()}.`, 'itemId');
  if (item.stock <= 0) throw new DomainError('CONFLICT', `${item.title} is out of stock.`, 'itemId', { reason: 'OUT_OF_STOCK' });
  if (item.perMemberLimit !== null && member.redeemedBefore >= item.perMemberLimit) {
    throw conflict(`Each member may redeem ${item.title} ${item.perMemberLimit} time(s); you have.`, 'itemId');
  }
  if (item.pricePoints > verificationAbove) assertVerified(member.verification, 'primary', `Items over ${verificationAbove} points`, now);
}

/** What points knows of a member's real-name verification (identity's MemberVerificationChanged). */
export interface Verification {
  level: string;
  expiresAt: Date | null;
  refused: boolean;
}

/**
 * Refuses with VERIFICATION_REQUIRED (`requiredLevel` in the extensions) unless the member
 * holds `required` or higher, in force at `now`. A member who refused verification (or whose
 * submission was found false) is told so: verified features stay closed until a new approval.
 */
export function assertVerified(verification: Verification | null, required: 'primary' | 'advanced', what: string, now: Date): void {
  if (verification?.refused) {
    throw new DomainError(
      'VERIFICATION_REQUIRED',
      `${what} need ${required} real-name verification, and your verification was refused; submit it again and wait for approval.`,
      undefined,
      {
        requiredLevel: required,
      },
    );
  }
  const level =
    verification && (verification.expiresAt === null || verification.expiresAt > now)
      ? VERIFICATION_LEVELS.indexOf(verification.level as never)
      : 0;
  if (level < VERIFICATION_LEVELS.indexOf(required)) {
    throw new DomainError(
      'VERIFICATION_REQUIRED',
      `${what} need ${required} real-name verification (or higher) in force; verify in your account first.`,
      undefined,
      { requiredLevel: required },
    );
  }
}

/** Items that need fulfilment (sent by post, a place at an event): reserved first, committed when staff fulfil them. */
export const needsFulfilment = (kind: ItemKind): boolean => kind === 'PHYSICAL' || kind === 'EVENT_PLACE';

/** A new item, checked. */
export function checkItem(item: Omit<StoreItem, 'id'>): void {
  if (!item.title.trim()) throw badInput('An item needs a title.', 'title');
  if (!Number.isInteger(item.pricePoints) || item.pricePoints <= 0)
    throw badInput('The price is a positive whole number of points.', 'pricePoints');
  if (!Number.isInteger(item.stock) || item.stock < 0) throw badInput('Stock is a whole number, 0 or more.', 'stock');
  if (item.perMemberLimit !== null && (!Number.isInteger(item.perMemberLimit) || item.perMemberLimit <= 0))
    throw badInput('The per-member limit is a positive whole number, or null.', 'perMemberLimit');
  if (item.validUntil && item.validUntil <= item.validFrom)
    throw badInput('An item must be on sale before it stops being on sale.', 'validUntil');
  for (const [tier, price] of Object.entries(item.tierPrices)) {
    if (!Number.isInteger(price) || price <= 0 || price > item.pricePoints)
      throw badInput(`The ${tier} price must be a positive whole number no higher than the list price.`, 'tierPrices');
  }
}
