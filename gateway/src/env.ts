import { fileURLToPath } from 'node:url';
import { ConfigError, baseEnvShape, developmentSecretsIn, parseEnv, secretEnv, z, type BaseEnv } from '@membership/config';

const shape = {
  ...baseEnvShape,
  /** Verifies the access tokens identity issues. */
  JWT_SECRET: secretEnv.JWT_SECRET,
  /** Signs the caller into each subgraph call, and the gateway's own calls (the access log). */
  GATEWAY_SIGNING_KEY: secretEnv.GATEWAY_SIGNING_KEY,
  PORT: z.coerce.number().int().min(0).default(4000),
  HOST: z.string().default('127.0.0.1'),
  /** The composed supergraph the gateway serves; never fetched from subgraphs at start. */
  SUPERGRAPH_PATH: z.string().default(fileURLToPath(new URL('../../schema/supergraph.graphql', import.meta.url))),
  /** Per-call timeout to a subgraph; a slow subgraph costs only its own fields. */
  SUBGRAPH_TIMEOUT_MS: z.coerce.number().int().min(10).default(5000),
  /** Gateway processes sharing the port when run alone (`npm start -w @membership/gateway`). */
  GATEWAY_WORKERS: z.coerce.number().int().min(1).max(64).default(1),
  /** Share identical in-flight subgraph fetches of the same caller (never mutations). */
  SUBGRAPH_DEDUPE: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  /** Largest request body accepted, in bytes. */
  MAX_BODY_BYTES: z.coerce.number().int().min(1024).default(1_000_000),
  /** Purposes staff may state in x-access-purpose to read PII, comma separated. */
  PII_PURPOSES: z.string().default('support,refund-review,verification-review,fraud,legal,moderation'),
  /** Documents whose PII analysis the gateway keeps (LRU). */
  PII_DOCUMENT_CACHE_SIZE: z.coerce.number().int().min(1).default(1000),
  /** Timeout for writing the PII access log to identity. */
  ACCESS_LOG_TIMEOUT_MS: z.coerce.number().int().min(10).default(3000),
  /**
   * How long identity's answer that a token's session holds is kept: a session that ends
   * (logout, password change, erasure, ban, staff disabled or changed) is refused within this.
   * Seconds, not minutes: at most 60000.
   */
  SESSION_CHECK_TTL_MS: z.coerce.number().int().min(0).max(60_000).default(5000),
  /**
   * The gateway sits behind one proxy of yours that appends the client's address to
   * X-Forwarded-For: take the client address from there (the last entry) rather than the socket.
   */
  TRUST_PROXY: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  /** Timeout for asking identity about a session; a signed-in request gets 503 when it runs out. */
  SESSION_CHECK_TIMEOUT_MS: z.coerce.number().int().min(10).default(2000),
  /** Deepest field nesting an operation may have (introspection not counted). */
  MAX_DEPTH: z.coerce.number().int().min(1).default(12),
  /** Most aliases in one operation, fragments included. */
  MAX_ALIASES: z.coerce.number().int().min(0).default(30),
  /** Most lexical tokens in one document; parsing stops at the limit. */
  MAX_TOKENS: z.coerce.number().int().min(100).default(5000),
  /** Most directives in one operation. */
  MAX_DIRECTIVES: z.coerce.number().int().min(0).default(50),
  /**
   * Highest estimated cost of one operation, with its variables: objects 2, scalars 1, what an
   * object selects × 1.5, lists × their size (first/last/limit, from literals, variables or
   * defaults). See docs/SECURITY.md.
   */
  MAX_COST: z.coerce.number().int().min(1).default(50000),
  /** Items a list is assumed to hold when its size argument (first/last/limit) is neither given nor defaulted. */
  COST_DEFAULT_LIST_SIZE: z.coerce.number().int().min(1).default(10),
  /** Distinct validation errors reported before validation stops. */
  MAX_VALIDATION_ERRORS: z.coerce.number().int().min(1).default(10),
  /** Redis for state shared by gateway instances (the APQ cache); without it, each instance keeps its own in memory. */
  REDIS_URL: z.string().url().optional(),
  /** Bytes of operation text the in-memory APQ cache keeps (LRU) when REDIS_URL is not set. */
  APQ_CACHE_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(8 * 1024 * 1024),
  /** How long a registered APQ hash is remembered; a client that misses sends the document again. */
  APQ_TTL_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .default(24 * 60 * 60),
  /**
   * `apq`: members and staff send documents or APQ hashes. `safelist`: members may only run the
   * operations of schema/persisted/first-party.json, by id (partners always are held to theirs).
   */
  MEMBER_OPERATIONS: z.enum(['apq', 'safelist']).default('apq'),
  /** Folder of persisted-operation manifests, `<owner>.json`, in Apollo's manifest format. */
  PERSISTED_OPERATIONS_DIR: z.string().default(fileURLToPath(new URL('../../schema/persisted', import.meta.url))),
  /** Seconds the gateway trusts a partner key's admission before asking identity again (revocation takes at most this long). */
  PARTNER_CACHE_SECONDS: z.coerce.number().int().min(0).max(300).default(5),
  /** Requests a minute one partner API key may make (RATE_LIMITED with retry-after above it). */
  PARTNER_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(600),
  /** Whether a JSON array of operations is accepted in one HTTP request; off unless 'true'. */
  ALLOW_BATCHED_REQUESTS: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
};

export type GatewayEnv = BaseEnv & {
  JWT_SECRET: string;
  GATEWAY_SIGNING_KEY: string;
  PORT: number;
  HOST: string;
  SUPERGRAPH_PATH: string;
  SUBGRAPH_TIMEOUT_MS: number;
  SUBGRAPH_DEDUPE: boolean;
  GATEWAY_WORKERS: number;
  MAX_BODY_BYTES: number;
  PII_PURPOSES: string;
  PII_DOCUMENT_CACHE_SIZE: number;
  ACCESS_LOG_TIMEOUT_MS: number;
  SESSION_CHECK_TTL_MS: number;
  SESSION_CHECK_TIMEOUT_MS: number;
  TRUST_PROXY: boolean;
  MAX_DEPTH: number;
  MAX_ALIASES: number;
  MAX_TOKENS: number;
  MAX_DIRECTIVES: number;
  MAX_COST: number;
  COST_DEFAULT_LIST_SIZE: number;
  MAX_VALIDATION_ERRORS: number;
  ALLOW_BATCHED_REQUESTS: boolean;
  REDIS_URL?: string;
  APQ_CACHE_BYTES: number;
  APQ_TTL_SECONDS: number;
  MEMBER_OPERATIONS: 'apq' | 'safelist';
  PERSISTED_OPERATIONS_DIR: string;
  PARTNER_CACHE_SECONDS: number;
  PARTNER_RATE_LIMIT_PER_MINUTE: number;
};

/** The gateway's environment, parsed once. */
export const loadGatewayEnv = (source?: Record<string, string | undefined>) => parseEnv(shape, source) as GatewayEnv;

/** True for addresses only this machine can reach. */
export function isLoopback(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1');
  return h === 'localhost' || h === '::1' || /^(::ffff:)?127(\.\d{1,3}){3}$/.test(h);
}

/**
 * Refuses to serve anyone but this machine with the published development secrets: with
 * them anyone can mint an access token or a signed viewer. The same in production, where a
 * proxy in front makes even a loopback gateway public.
 */
export function assertSafeToServe(env: Pick<GatewayEnv, 'HOST' | 'NODE_ENV'> & Record<string, unknown>): void {
  const published = developmentSecretsIn(env);
  if (published.length === 0 || (isLoopback(env.HOST) && env.NODE_ENV !== 'production')) return;
  const where = env.NODE_ENV === 'production' ? 'in production' : `on HOST=${env.HOST}`;
  throw new ConfigError(
    `Refusing to serve ${where} with the published development value of ${published.join(', ')}. ` +
      `Set ${published.join(' and ')} to secrets of your own (see .env.example), or bind HOST to 127.0.0.1.`,
  );
}

/**
 * Subgraph URL overrides from `<NAME>_URL` variables (IDENTITY_URL, ...), for
 * deployments where subgraphs do not live where the supergraph file says.
 */
export function subgraphUrlOverrides(source: Record<string, string | undefined> = process.env): Record<string, string> {
  const overrides: Record<string, string> = {};
  for (const name of ['identity', 'tiers', 'points', 'orders', 'moderation']) {
    const url = source[`${name.toUpperCase()}_URL`];
    if (url) overrides[name] = url;
  }
  return overrides;
}
