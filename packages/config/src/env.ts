import { z } from 'zod';

/**
 * Shared pieces of every server's environment. Each server has one `env.ts` that
 * extends these and calls {@link parseEnv} once; nothing else reads `process.env`.
 */
export const baseEnvShape = {
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  /** Postgres URL. Unset: embedded PGlite with its data in `PGLITE_DIR`. */
  DATABASE_URL: z.string().url().optional(),
  PGLITE_DIR: z.string().default('.data/pglite'),
  /** HMAC secret the gateway signs forwarded claims with; subgraphs verify it. */
  INTERNAL_SIGNING_SECRET: z.string().min(32).optional(),
  /** Secret for member and staff access tokens (HS256). */
  JWT_SECRET: z.string().min(32).optional(),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
};

/** Secrets that have development defaults; production refuses to start without them. */
const developmentSecrets: Record<string, string> = {
  INTERNAL_SIGNING_SECRET: 'dev-internal-signing-secret-change-me-0123456789',
  JWT_SECRET: 'dev-jwt-secret-change-me-0123456789abcdef',
  DATA_MASTER_KEY: 'ZGV2LW1hc3Rlci1rZXktY2hhbmdlLW1lLTMyYnl0ZXM=',
  LOOKUP_HASH_SECRET: 'dev-lookup-hash-secret-change-me-0123456789',
};

/**
 * The secrets in `env` that hold a published development value, whether defaulted or
 * copied in by hand: anyone who has read this file can sign with them.
 */
export function developmentSecretsIn(env: Record<string, unknown>): string[] {
  return Object.keys(developmentSecrets).filter((k) => env[k] === developmentSecrets[k]);
}

let warnedAboutDefaults = false;

/** Raised when the environment is invalid; the message names every bad variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Parses `source` against `shape`. In development and test, missing secrets fall back
 * to published development values (said once on stderr); in production a missing
 * secret stops start-up with a message that names it.
 */
export function parseEnv<S extends z.ZodRawShape>(
  shape: S,
  source: Record<string, string | undefined> = process.env,
): z.infer<z.ZodObject<S>> {
  const parsed = z.object(shape).safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid environment:\n  ${problems.join('\n  ')}`);
  }
  const env = parsed.data as Record<string, unknown>;
  const missing = Object.keys(developmentSecrets).filter((k) => k in shape && env[k] === undefined);
  if (missing.length > 0) {
    if (env.NODE_ENV === 'production') {
      throw new ConfigError(`Missing required secret(s) in production: ${missing.join(', ')}`);
    }
    for (const k of missing) env[k] = developmentSecrets[k];
    if (!warnedAboutDefaults && env.NODE_ENV !== 'test') {
      warnedAboutDefaults = true;
      process.stderr.write(
        `[config] Using development defaults for ${missing.join(', ')}. Set them before production (see .env.example).\n`,
      );
    }
  }
  return env as z.infer<z.ZodObject<S>>;
}

/** Base environment with the secrets present (defaults applied where allowed). */
export type BaseEnv = {
  NODE_ENV: 'development' | 'test' | 'production';
  DATABASE_URL?: string;
  PGLITE_DIR: string;
  INTERNAL_SIGNING_SECRET: string;
  JWT_SECRET: string;
  LOG_LEVEL: 'debug' | 'info' | 'warn' | 'error' | 'silent';
};
