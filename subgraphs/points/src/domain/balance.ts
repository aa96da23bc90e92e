import { badInput, conflict } from '@membership/domain';

/** Why a member's points changed. */
export const POINTS_REASONS = ['WELCOME', 'ORDER', 'ADJUSTMENT'] as const;
export type PointsReason = (typeof POINTS_REASONS)[number];

/** Points every new member gets once, when their account opens. */
export const WELCOME_POINTS = 100;

/** The idempotency key of a member's welcome credit: one per member, ever. */
export const welcomeKey = (memberId: string) => `welcome:${memberId}`;

/**
 * The balance after adding `delta` (positive or negative) points. Points are whole
 * numbers, a change of zero is no change, and the balance never goes below zero.
 */
export function applyDelta(balance: number, delta: number): number {
  if (!Number.isInteger(delta)) throw badInput(`Points are whole numbers; ${delta} is not.`, 'delta');
  if (delta === 0) throw badInput('A points change of 0 changes nothing; give a positive or negative number.', 'delta');
  const next = balance + delta;
  if (next < 0) throw conflict(`The balance is ${balance} points; taking ${-delta} would make it negative.`, 'delta');
  return next;
}

/** The balance after crediting `points`, which must be a positive whole number. */
export function credit(balance: number, points: number): number {
  if (!Number.isInteger(points) || points <= 0) throw badInput(`A credit must be a positive whole number of points, not ${points}.`, 'points');
  return applyDelta(balance, points);
}
