/**
 * Intervals and slots: the arithmetic the scheduler decides with, kept free of the
 * database so it is unit-tested on its own.
 */

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const INTERVAL = /^(\d+)(s|m|h|d)$/;

/** Parses an interval such as `30s`, `15m`, `1h`, `24h` or `7d` into milliseconds. */
export function parseInterval(text: string): number {
  const match = INTERVAL.exec(text.trim());
  if (!match) throw new Error(`"${text}" is not an interval: write a whole number and a unit, e.g. 30s, 15m, 1h, 24h, 7d`);
  const ms = Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
  if (ms <= 0) throw new Error(`"${text}" is not an interval: it must be longer than zero`);
  return ms;
}

/**
 * The first slot strictly after `now`. Slots are multiples of the interval counted from
 * the Unix epoch (so `1h` falls on the hour and `24h` at midnight UTC): every instance
 * computes the same slots from its own clock, whenever it started.
 */
export function slotAfter(now: Date, everyMs: number): Date {
  return new Date((Math.floor(now.getTime() / everyMs) + 1) * everyMs);
}

export interface RetryPolicy {
  /** Attempts per slot, the first included; then the job waits for its next slot. */
  maxAttempts: number;
  /** Delay before the second attempt; it doubles for each attempt after that. */
  retryDelayMs: number;
}

/**
 * When a job runs again after attempt `attempt` of a slot failed at `now`: a retry with
 * exponential backoff while attempts remain and the retry comes before the next slot,
 * otherwise the next slot as a first attempt. `failures` is what the schedule keeps.
 */
export function afterFailure(now: Date, attempt: number, nextSlot: Date, policy: RetryPolicy): { nextRunAt: Date; failures: number } {
  if (attempt < policy.maxAttempts) {
    const retry = new Date(now.getTime() + policy.retryDelayMs * 2 ** (attempt - 1));
    if (retry < nextSlot) return { nextRunAt: retry, failures: attempt };
  }
  return { nextRunAt: nextSlot, failures: 0 };
}
