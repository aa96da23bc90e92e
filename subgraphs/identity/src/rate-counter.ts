import { Redis } from 'ioredis';
import type { Logger } from '@membership/config';
import { windowOf, type RateCounter } from './domain/rate-limits.js';

/** Counts in this process only: one identity process, development and tests. */
export class MemoryRateCounter implements RateCounter {
  private readonly counts = new Map<string, { count: number; resetsAt: Date }>();

  async hit(key: string, windowSeconds: number, now: Date): Promise<{ count: number; resetsAt: Date }> {
    const window = windowOf(key, windowSeconds, now);
    const entry = this.counts.get(window.key) ?? { count: 0, resetsAt: window.resetsAt };
    entry.count += 1;
    this.counts.set(window.key, entry);
    if (this.counts.size > 10_000) {
      for (const [k, v] of this.counts) if (v.resetsAt.getTime() <= now.getTime()) this.counts.delete(k);
    }
    return { count: entry.count, resetsAt: entry.resetsAt };
  }
}

/**
 * Counts in Redis, so every identity process shares the limits: INCR of the window's key,
 * which expires a little after its window ends. Windows follow identity's clock.
 */
export class RedisRateCounter implements RateCounter {
  private readonly redis: Redis;

  constructor(
    url: string,
    private readonly prefix: string,
    logger: Logger,
  ) {
    this.redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 2000, enableOfflineQueue: true });
    this.redis.on('error', (error: Error) => logger.warn('redis (rate limits) unavailable', { message: error.message }));
  }

  async hit(key: string, windowSeconds: number, now: Date): Promise<{ count: number; resetsAt: Date }> {
    const window = windowOf(`${this.prefix}${key}`, windowSeconds, now);
    const result = await this.redis
      .multi()
      .incr(window.key)
      .pexpire(window.key, windowSeconds * 1000 + 60_000)
      .exec();
    const count = Number(result?.[0]?.[1]);
    if (!Number.isFinite(count)) throw new Error('redis did not count the hit');
    return { count, resetsAt: window.resetsAt };
  }

  /** Closes the connection (tests; servers keep it for their life). */
  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
