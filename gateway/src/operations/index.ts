export { operationLimits, type OperationLimitsEnv } from './limits.js';
export { introspectionPlugin, suggestionsPlugin } from './introspection.js';
export { connectRedis, createApqCache } from './apq-cache.js';
export { MemoryRateLimiter, RedisRateLimiter, enforceRateLimit, type RateLimiter } from './rate-limit.js';
export { FIRST_PARTY, enforceSafelist, loadManifests, requirePersistedShape, type PersistedPolicy } from './persisted.js';
