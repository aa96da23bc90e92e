import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import type { Logger } from '@membership/config';
import { graphqlHttpHandler, listen, type RunningServer } from '@membership/subgraph';
import { viewerFromRequest } from './auth/viewer.js';
import type { GatewayContext } from './context.js';
import type { GatewayEnv } from './env.js';
import { createGatewayErrorFormatter } from './errors.js';
import { requestIdPlugin } from './request-id.js';
import { SignedSubgraphSource } from './subgraph-source.js';

export interface GatewayOptions {
  env: GatewayEnv;
  logger: Logger;
  /** Supergraph SDL; defaults to the file at SUPERGRAPH_PATH. */
  supergraphSdl?: string;
  /** Where each subgraph really is, by name, when not where the supergraph says. */
  subgraphUrls?: Record<string, string>;
}

/**
 * The public door: verifies the caller, plans the query over the static supergraph
 * and calls subgraphs with the caller signed into every request.
 */
export async function startGateway(options: GatewayOptions): Promise<RunningServer> {
  const { env, logger } = options;
  const supergraphSdl = options.supergraphSdl ?? readFileSync(env.SUPERGRAPH_PATH, 'utf8');
  const gateway = new ApolloGateway({
    supergraphSdl,
    buildService: ({ name, url }) =>
      new SignedSubgraphSource(name, options.subgraphUrls?.[name] ?? url ?? '', env.INTERNAL_SIGNING_SECRET, env.SUBGRAPH_TIMEOUT_MS),
    logger: { debug: () => {}, info: () => {}, warn: (m) => logger.warn(String(m)), error: (m) => logger.error(String(m)) },
  });
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    formatError: createGatewayErrorFormatter(logger),
    includeStacktraceInErrorResponses: false,
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    introspection: env.NODE_ENV !== 'production',
    plugins: [requestIdPlugin, ApolloServerPluginLandingPageDisabled()],
  });
  await apollo.start();
  const handler = graphqlHttpHandler<GatewayContext>({
    apollo,
    maxBodyBytes: env.MAX_BODY_BYTES,
    routes: {
      '/health': (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ status: 'ok' }));
      },
    },
    context: async (req) => ({
      viewer: await viewerFromRequest(req, env.JWT_SECRET),
      requestId: randomUUID(),
    }),
  });
  const server = await listen(handler, env.PORT, env.HOST);
  logger.info('gateway listening', { url: server.url });
  return {
    name: 'gateway',
    url: server.url,
    async close() {
      await server.close();
      await apollo.stop();
    },
  };
}
