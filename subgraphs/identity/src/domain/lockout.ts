/** How repeated wrong passwords lock an account. */
export interface LockoutPolicy {
  /** Wrong passwords in a row that lock the account. */
  maxFailures: number;
  /** How long the first lock lasts. */
  lockMinutes: number;
  /** Each further lock without a successful sign-in in between lasts this many times longer. */
  growthFactor: number;
  /** No lock lasts longer than this. */
  maxLockMinutes: number;
}

/** Seconds until the account unlocks, or 0 when it is not locked. */
export function secondsLocked(lockedUntil: Date | null, now: Date): number {
  if (!lockedUntil) return 0;
  return Math.max(0, Math.ceil((lockedUntil.getTime() - now.getTime()) / 1000));
}

/** How long the next lock lasts after `previousLocks` locks in a row: 15, 30, 60 … minutes, capped. */
export function lockMinutesFor(policy: LockoutPolicy, previousLocks: number): number {
  return Math.min(policy.maxLockMinutes, Math.round(policy.lockMinutes * policy.growthFactor ** previousLocks));
}

/** The sign-in failure state an account keeps. */
export interface FailureState {
  failedLogins: number;
  lockCount: number;
  lockedUntil: Date | null;
}

/**
 * The state after one more wrong password: counted, or, at the limit, a lock longer than
 * the previous one and the count starting over.
 */
export function afterFailedLogin(state: FailureState, policy: LockoutPolicy, now: Date): FailureState {
  const failures = state.failedLogins + 1;
  if (failures < policy.maxFailures) return { ...state, failedLogins: failures };
  const minutes = lockMinutesFor(policy, state.lockCount);
  return { failedLogins: 0, lockCount: state.lockCount + 1, lockedUntil: new Date(now.getTime() + minutes * 60_000) };
}
