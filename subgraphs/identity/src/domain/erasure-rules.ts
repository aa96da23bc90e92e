import { conflict, notFound } from '@membership/domain';

/** What an erased member is shown as: the name they chose is personal data and goes. */
export const ERASED_DISPLAY_NAME = 'Erased member';

/** Stands in for the password hash of an erased account; no password matches it. */
export const ERASED_PASSWORD_HASH = 'erased';

/** How long a member may change their mind before the erasure job runs. */
export interface ErasurePolicy {
  graceDays: number;
}

/** The part of an erasure request the rules look at. */
export interface ErasureState {
  status: string;
  dueAt: Date;
}

const DAY_MS = 86_400_000;

/** When a request made at `now` is carried out unless cancelled before. */
export function erasureDueAt(now: Date, policy: ErasurePolicy): Date {
  return new Date(now.getTime() + policy.graceDays * DAY_MS);
}

const day = (d: Date) => d.toISOString().slice(0, 10);

/**
 * Whether a member may ask for erasure now: not twice while one is pending, and not
 * once their data is already gone. Throws CONFLICT with what to do instead.
 */
export function checkCanRequestErasure(member: { erasedAt: Date | null }, pending: ErasureState | undefined): void {
  if (member.erasedAt) throw conflict('Your account has already been erased.');
  if (pending) {
    throw conflict(
      `You already asked for erasure; it happens on ${day(pending.dueAt)}. Cancel it with cancelErasure if you changed your mind.`,
    );
  }
}

/** Whether a pending request may still be cancelled at `now`: only inside the grace period. */
export function checkCanCancelErasure(pending: ErasureState | undefined, now: Date): void {
  if (!pending || pending.status !== 'pending') throw notFound('You have no pending erasure request to cancel.');
  if (pending.dueAt.getTime() <= now.getTime()) {
    throw conflict('The grace period is over and your erasure is being carried out; it can no longer be cancelled.');
  }
}

/** Whether the job may erase under this request at `now`. */
export const isDue = (request: ErasureState, now: Date) => request.status === 'pending' && request.dueAt.getTime() <= now.getTime();
