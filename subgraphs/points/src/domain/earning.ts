import { badInput } from '@membership/domain';

/** Minor units in one unit of the currency (fen per yuan); every currency the programme takes has 100. */
const MINOR_PER_UNIT = 100;

/**
 * Points an order earns: whole currency units paid × points per unit × the member's tier
 * multiplier × the campaign multiplier in force, rounded down once at the end (percentages,
 * 100 = ×1), so multipliers never compound rounding.
 */
export function orderPoints(amountMinor: number, pointsPerUnit: number, tierPercent: number, campaignPercent: number): number {
  if (!Number.isInteger(amountMinor) || amountMinor < 0)
    throw badInput(`An order amount is a whole number of minor units, not ${amountMinor}.`, 'amount');
  return Math.floor((amountMinor * pointsPerUnit * tierPercent * campaignPercent) / (MINOR_PER_UNIT * 100 * 100));
}

/**
 * How many of the points an order earned a refund takes back: the refunded share of the
 * order's money (all refunds so far) of what it earned, minus what earlier refunds took.
 * Rounded down per total, so two half refunds take exactly what one full refund would.
 */
export function clawbackFor(earned: number, refundedSoFar: number, orderAmount: number, clawedSoFar: number): number {
  if (orderAmount <= 0) return earned - clawedSoFar;
  const share = Math.min(refundedSoFar, orderAmount);
  const due = Math.floor((earned * share) / orderAmount);
  return Math.max(0, due - clawedSoFar);
}

/** The settings an order offset is quoted with (env.ts). */
export interface OffsetPolicy {
  /** Points worth one currency unit of discount. */
  pointsPerUnit: number;
  /** The largest share of an order's amount points may pay, in percent. */
  maxPercent: number;
}

/**
 * The discount `points` buy on an order of `orderAmount` minor units, or a BAD_USER_INPUT
 * when the points buy no whole minor unit exactly or go over the cap.
 */
export function offsetQuote(points: number, orderAmount: number, policy: OffsetPolicy): { discountAmount: number } {
  if (!Number.isInteger(orderAmount) || orderAmount <= 0)
    throw badInput('The order amount must be a positive whole number of minor units.', 'orderAmount');
  if (!Number.isInteger(points) || points <= 0) throw badInput(`Points to use must be a positive whole number, not ${points}.`, 'points');
  const discount = (points * MINOR_PER_UNIT) / policy.pointsPerUnit;
  if (!Number.isInteger(discount)) {
    throw badInput(
      `${policy.pointsPerUnit} points make 1.00 of discount; use a multiple of ${policy.pointsPerUnit / gcd(policy.pointsPerUnit, MINOR_PER_UNIT)} points.`,
      'points',
    );
  }
  const cap = Math.floor((orderAmount * policy.maxPercent) / 100);
  if (discount > cap) {
    const maxPoints = Math.floor((cap * policy.pointsPerUnit) / MINOR_PER_UNIT);
    throw badInput(
      `Points may pay at most ${policy.maxPercent}% of this order (${cap} minor units, ${maxPoints} points); ${points} points is ${discount}.`,
      'points',
    );
  }
  return { discountAmount: discount };
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}
