import { badInput, DomainError } from '@membership/domain';

/** Why a member's points changed (what the member sees). */
export const POINTS_REASONS = [
  'WELCOME',
  'ORDER',
  'ADJUSTMENT',
  'ORDER_OFFSET',
  'ORDER_OFFSET_RELEASED',
  'REFUND',
  'EXPIRY',
  'CHECK_IN',
  'TASK',
  'REFERRAL',
  'SHARE',
  'SUGGESTION',
  'STORE',
  'LOTTERY',
] as const;
export type PointsReason = (typeof POINTS_REASONS)[number];

/** What kind of change an entry is. */
export const ENTRY_KINDS = ['earn', 'redeem', 'expire', 'adjust', 'clawback', 'restore', 'reverse'] as const;
export type EntryKind = (typeof ENTRY_KINDS)[number];

/** What caused a change. */
export const ENTRY_SOURCES = ['order', 'task', 'campaign', 'staff', 'store', 'lottery', 'system'] as const;
export type EntrySource = (typeof ENTRY_SOURCES)[number];

/** Points every new member gets once, when their account opens. */
export const WELCOME_POINTS = 100;

/** The idempotency key of a member's welcome credit: one per member, ever. */
export const welcomeKey = (memberId: string) => `welcome:${memberId}`;

/**
 * The balance after adding `delta` (positive or negative) points. Points are whole
 * numbers, a change of zero is no change, and the balance never goes below zero
 * (INSUFFICIENT_POINTS names what is there).
 */
export function applyDelta(balance: number, delta: number): number {
  if (!Number.isInteger(delta)) throw badInput(`Points are whole numbers; ${delta} is not.`, 'delta');
  if (delta === 0) throw badInput('A points change of 0 changes nothing; give a positive or negative number.', 'delta');
  const next = balance + delta;
  if (next < 0) throw insufficientPoints(balance, -delta);
  return next;
}

/** The balance after crediting `points`, which must be a positive whole number. */
export function credit(balance: number, points: number): number {
  if (!Number.isInteger(points) || points <= 0)
    throw badInput(`A credit must be a positive whole number of points, not ${points}.`, 'points');
  return applyDelta(balance, points);
}

/** The error for a spending the balance does not cover. */
export function insufficientPoints(balance: number, wanted: number): DomainError {
  return new DomainError('INSUFFICIENT_POINTS', `The balance is ${balance} points; ${wanted} are needed.`, 'points', {
    balance,
    needed: wanted,
  });
}
