import { fileURLToPath } from 'node:url';
import { baseEnvShape, parseEnv, z, type BaseEnv } from '@membership/config';

const shape = {
  ...baseEnvShape,
  PORT: z.coerce.number().int().min(0).default(4000),
  HOST: z.string().default('127.0.0.1'),
  /** The composed supergraph the gateway serves; never fetched from subgraphs at start. */
  SUPERGRAPH_PATH: z.string().default(fileURLToPath(new URL('../../schema/supergraph.graphql', import.meta.url))),
  /** Per-call timeout to a subgraph; a slow subgraph costs only its own fields. */
  SUBGRAPH_TIMEOUT_MS: z.coerce.number().int().min(10).default(5000),
  /** Largest request body accepted, in bytes. */
  MAX_BODY_BYTES: z.coerce.number().int().min(1024).default(1_000_000),
  /** Purposes staff may state in x-access-purpose to read PII, comma separated. */
  PII_PURPOSES: z.string().default('support,refund-review,verification-review,fraud,legal'),
  /** Documents whose PII analysis the gateway keeps (LRU). */
  PII_DOCUMENT_CACHE_SIZE: z.coerce.number().int().min(1).default(1000),
  /** Timeout for writing the PII access log to identity. */
  ACCESS_LOG_TIMEOUT_MS: z.coerce.number().int().min(10).default(3000),
};

export type GatewayEnv = BaseEnv & {
  PORT: number;
  HOST: string;
  SUPERGRAPH_PATH: string;
  SUBGRAPH_TIMEOUT_MS: number;
  MAX_BODY_BYTES: number;
  PII_PURPOSES: string;
  PII_DOCUMENT_CACHE_SIZE: number;
  ACCESS_LOG_TIMEOUT_MS: number;
};

/** The gateway's environment, parsed once. */
export const loadGatewayEnv = (source?: Record<string, string | undefined>) => parseEnv(shape, source) as GatewayEnv;

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
