import { pathToFileURL } from 'node:url';
import { createLogger } from '@membership/config';
import type * as Gateway from '@membership/gateway';
import type { RunningServer } from '@membership/subgraph';
import type { BenchGatewayConfig } from './gateway-config.js';

/**
 * This project's gateway as deployed: JWT, PII rules and masking, access log to
 * identity, limits. With `config.candidateEntry`, the same from another copy of
 * gateway/src, so a speed change can be measured against the current code in one run.
 */
export async function startOurs(config: BenchGatewayConfig): Promise<RunningServer> {
  const { loadGatewayEnv, startGateway } = (
    config.candidateEntry ? await import(pathToFileURL(config.candidateEntry).href) : await import('@membership/gateway')
  ) as typeof Gateway;
  const env = loadGatewayEnv({
    NODE_ENV: 'production',
    PORT: '0',
    LOG_LEVEL: 'error',
    JWT_SECRET: config.jwtSecret,
    GATEWAY_SIGNING_KEY: config.signingKey,
    SUBGRAPH_DEDUPE: String(config.subgraphDedupe ?? true),
  });
  return startGateway({
    env,
    logger: createLogger('gateway', 'error'),
    supergraphSdl: config.supergraphSdl,
    subgraphUrls: config.subgraphUrls,
    pii: config.pii ?? true,
    accessLog: config.accessLogSink ? { record: async () => {} } : undefined,
    sessions: config.noSessionCheck ? 'none' : undefined,
  });
}
