import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { z } from 'zod';

/**
 * Shared pieces of every server's environment, and no secret: each server's one `env.ts`
 * extends these with the secrets it uses (from {@link secretEnv}) and calls
 * {@link parseEnv} once; nothing else reads `process.env`.
 */
export const baseEnvShape = {
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  /** Postgres URL. Unset: embedded PGlite with its data in `PGLITE_DIR`. */
  DATABASE_URL: z.string().url().optional(),
  PGLITE_DIR: z.string().default('.data/pglite'),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
};

/** An Ed25519 key as the environment holds it: PEM, or base64 of PEM or of a JWK. */
function ed25519Key(use: 'private' | 'public') {
  return z
    .string()
    .refine((value) => {
      try {
        const trimmed = value.trim();
        const text = trimmed.startsWith('-----BEGIN') ? trimmed : Buffer.from(trimmed, 'base64').toString('utf8').trim();
        const input = text.startsWith('-----BEGIN') ? text : { key: JSON.parse(text) as never, format: 'jwk' as const };
        const key: KeyObject = use === 'private' ? createPrivateKey(input) : createPublicKey(input);
        return key.asymmetricKeyType === 'ed25519' && key.type === use;
      } catch {
        return false;
      }
    }, `must be an Ed25519 ${use} key: PEM, or base64 of PEM or of a JWK`)
    .optional();
}

/**
 * Every secret a server may hold, each to be listed only by the `env.ts` of a process that
 * uses it: a process that does not hold a key cannot sign with it.
 */
export const secretEnv = {
  /** Secret for member and staff access tokens (HS256): identity issues them, the gateway verifies them. */
  JWT_SECRET: z.string().min(32).optional(),
  /** The gateway's Ed25519 private key: it signs the caller it forwards to each subgraph call, and its own calls. */
  GATEWAY_SIGNING_KEY: ed25519Key('private'),
  /** The gateway's public key: every subgraph verifies forwarded callers with it. */
  GATEWAY_PUBLIC_KEY: ed25519Key('public'),
  /** Identity's Ed25519 private key: it signs identity's own calls (export collection). */
  IDENTITY_SIGNING_KEY: ed25519Key('private'),
  /** Identity's public key: the subgraphs identity collects exports from verify its calls with it. */
  IDENTITY_PUBLIC_KEY: ed25519Key('public'),
  /** Orders' Ed25519 private key: it signs orders' own calls (points holds for an order's offset). */
  ORDERS_SIGNING_KEY: ed25519Key('private'),
  /** Orders' public key: points verifies orders' calls with it. */
  ORDERS_PUBLIC_KEY: ed25519Key('public'),
};

/**
 * Secrets that have development defaults; production refuses to start without them. The
 * key pairs are published here on purpose: anyone can sign with them, so only development
 * and tests use them.
 */
const developmentSecrets: Record<string, string> = {
  JWT_SECRET: 'dev-jwt-secret-change-me-0123456789abcdef',
  GATEWAY_SIGNING_KEY:
    'eyJjcnYiOiJFZDI1NTE5IiwiZCI6IjNMT2JsdEZ5VUctRmtQSy1uM21LSXJaUzZyTExacjhGNnQ2b2hxZDBKUTAiLCJ4IjoiRDh5ZGlOU0RkN2ZPTDlqTzZDV1E2eTFGSVNlc3NJa3ZKSzRnc0tVbGphcyIsImt0eSI6Ik9LUCJ9',
  GATEWAY_PUBLIC_KEY: 'eyJjcnYiOiJFZDI1NTE5IiwieCI6IkQ4eWRpTlNEZDdmT0w5ak82Q1dRNnkxRklTZXNzSWt2Sks0Z3NLVWxqYXMiLCJrdHkiOiJPS1AifQ==',
  IDENTITY_SIGNING_KEY:
    'eyJjcnYiOiJFZDI1NTE5IiwiZCI6Im1MY1NWX2todDI3X052RjVZX2RIRVFfZnZMd25FRkNycjRST0pHMDFVclkiLCJ4IjoiT1Q4SXI4ZVRSWENjTW91d1Q2X25SNFE5LVNNRmM4dng5aFd5M2MwYU43USIsImt0eSI6Ik9LUCJ9',
  IDENTITY_PUBLIC_KEY: 'eyJjcnYiOiJFZDI1NTE5IiwieCI6Ik9UOElyOGVUUlhDY01vdXdUNl9uUjRROS1TTUZjOHZ4OWhXeTNjMGFON1EiLCJrdHkiOiJPS1AifQ==',
  ORDERS_SIGNING_KEY:
    'eyJjcnYiOiJFZDI1NTE5IiwiZCI6Im4tT21aaDZIX2xlWEVEUGJJYlpTdmR2TFhMcjNRb2RyQTRhY0RWMV83OUUiLCJ4IjoiQU1ZQlhLaFFIOVBaemVZQ0pwdk9XajhIQnhlTW53cG9xbXFhTEVpUTE4RSIsImt0eSI6Ik9LUCJ9',
  ORDERS_PUBLIC_KEY: 'eyJjcnYiOiJFZDI1NTE5IiwieCI6IkFNWUJYS2hRSDlQWnplWUNKcHZPV2o4SEJ4ZU1ud3BvcW1xYUxFaVExOEUiLCJrdHkiOiJPS1AifQ==',
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

/** The base environment every server reads; each adds the secrets it holds. */
export type BaseEnv = {
  NODE_ENV: 'development' | 'test' | 'production';
  DATABASE_URL?: string;
  PGLITE_DIR: string;
  LOG_LEVEL: 'debug' | 'info' | 'warn' | 'error' | 'silent';
};
