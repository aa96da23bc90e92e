import { InMemoryLRUCache, type KeyValueCache, type KeyValueCacheSetOptions } from '@apollo/utils.keyvaluecache';
import { Redis } from 'ioredis';
import type { Logger } from '@membership/config';

/**
 * The automatic-persisted-query cache shared by every gateway instance through Redis: a
 * hash registered at one instance is a hit at the next. Entries expire (`ttlSeconds`) so a
 * retired operation does not stay forever. A Redis error is a miss, never a failed request:
 * the client then sends the document again, as after a restart.
 */
class RedisApqCache implements KeyValueCache<string> {
  constructor(
    private readonly redis: Redis,
    private readonly ttlSeconds: number,
    private readonly logger: Logger,
    private readonly prefix = 'membership:apq:',
  ) {}

  async get(key: string): Promise<string | undefined> {
    try {
      return (await this.redis.get(this.prefix + key)) ?? undefined;
    } catch (error) {
      this.logger.warn('APQ cache read failed; treating it as a miss', { error: String(error) });
      return undefined;
    }
  }

  async set(key: string, value: string, options?: KeyValueCacheSetOptions): Promise<void> {
    const ttl = options?.ttl ?? this.ttlSeconds;
    try {
      await this.redis.set(this.prefix + key, value, 'EX', Math.max(1, Math.ceil(ttl)));
    } catch (error) {
      this.logger.warn('APQ cache write failed; the operation is not remembered', { error: String(error) });
    }
  }

  async delete(key: string): Promise<boolean | void> {
    try {
      return (await this.redis.del(this.prefix + key)) > 0;
    } catch {
      return false;
    }
  }
}

/** One Redis client for what gateway instances share (APQ cache, rate-limit counters). */
export function connectRedis(url: string, logger: Logger): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  redis.on('error', (error: Error) => logger.warn('Redis unreachable', { error: error.message }));
  return redis;
}

/**
 * The APQ cache the gateway uses: Redis when given one (shared across instances), otherwise
 * an in-memory LRU bounded to `maxBytes` (one instance's, lost at restart).
 */
export function createApqCache(options: { redis?: Redis; maxBytes: number; ttlSeconds: number; logger: Logger }): KeyValueCache<string> {
  if (options.redis) return new RedisApqCache(options.redis, options.ttlSeconds, options.logger);
  return new InMemoryLRUCache<string>({ maxSize: options.maxBytes, sizeCalculation: (value) => Buffer.byteLength(value) });
}
