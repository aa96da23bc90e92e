import type { Redis } from 'ioredis';
import { HttpError } from '@membership/subgraph';

/** Counts requests per key in fixed one-minute windows. */
export interface RateLimiter {
  /** Counts one request; how many were counted in this window and ms until it ends. */
  hit(key: string, now: number): Promise<{ count: number; resetInMs: number }>;
}

const WINDOW_MS = 60_000;

/** One gateway instance's counters; the map holds only keys seen in the current window. */
export class MemoryRateLimiter implements RateLimiter {
  private window = -1;
  private counts = new Map<string, number>();

  async hit(key: string, now: number) {
    const window = Math.floor(now / WINDOW_MS);
    if (window !== this.window) {
      this.window = window;
      this.counts = new Map();
    }
    const count = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, count);
    return { count, resetInMs: (window + 1) * WINDOW_MS - now };
  }
}

/** Counters shared by every gateway instance: one INCR per request, the key expiring with its window. */
export class RedisRateLimiter implements RateLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'membership:ratelimit:',
  ) {}

  async hit(key: string, now: number) {
    const window = Math.floor(now / WINDOW_MS);
    const redisKey = `${this.prefix}${key}:${window}`;
    const [[, count]] = (await this.redis
      .multi()
      .incr(redisKey)
      .pexpire(redisKey, WINDOW_MS * 2)
      .exec()) as [[Error | null, number]];
    return { count, resetInMs: (window + 1) * WINDOW_MS - now };
  }
}

/**
 * Refuses the request (429 RATE_LIMITED with retry-after) once `key` has made more than `perMinute`
 * requests in this minute.
 */
export async function enforceRateLimit(limiter: RateLimiter, key: string, perMinute: number, now = Date.now()): Promise<void> {
  const { count, resetInMs } = await limiter.hit(key, now);
  if (count <= perMinute) return;
  const retryAfterSeconds = Math.max(1, Math.ceil(resetInMs / 1000));
  throw new HttpError(
    429,
    `Rate limit of ${perMinute} requests a minute reached for this API key. Retry after ${retryAfterSeconds} s.`,
    'RATE_LIMITED',
    { 'retry-after': String(retryAfterSeconds) },
    { retryAfterSeconds },
  );
}
