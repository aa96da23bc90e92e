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

export interface ApqCache {
  cache: KeyValueCache<string>;
  ttlSeconds: number;
  close(): Promise<void>;
}

/**
 * The APQ cache the gateway uses: Redis when `redisUrl` is set (shared across instances),
 * otherwise an in-memory LRU bounded to `maxBytes` (one instance's, lost at restart).
 */
export function createApqCache(options: { redisUrl?: string; maxBytes: number; ttlSeconds: number; logger: Logger }): ApqCache {
  if (options.redisUrl) {
    const redis = new Redis(options.redisUrl, { lazyConnect: false, maxRetriesPerRequest: 1, enableOfflineQueue: true });
    redis.on('error', (error: Error) => options.logger.warn('Redis (APQ cache) unreachable', { error: error.message }));
    return {
      cache: new RedisApqCache(redis, options.ttlSeconds, options.logger),
      ttlSeconds: options.ttlSeconds,
      close: async () => {
        redis.disconnect();
      },
    };
  }
  return {
    cache: new InMemoryLRUCache<string>({ maxSize: options.maxBytes, sizeCalculation: (value) => Buffer.byteLength(value) }),
    ttlSeconds: options.ttlSeconds,
    close: async () => {},
  };
}
