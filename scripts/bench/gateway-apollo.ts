import { randomUUID } from 'node:crypto';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { GATEWAY_SERVICE, VIEWER_HEADER, viewerSigner, type Viewer } from '@membership/viewer';
import type { RunningServer } from '@membership/subgraph';
import { BENCH_VIEWER_HEADER, viewerFromBenchHeader, type BenchGatewayConfig } from './gateway-config.js';

interface PlainContext {
  viewer: Viewer;
  requestId: string;
}

/**
 * A plain @apollo/gateway + @apollo/server as its docs set it up, on the same
 * supergraph, with no authentication: the only addition is the signed viewer header
 * the subgraphs require, signed for each subgraph call as ours signs it.
 */
export async function startApollo(config: BenchGatewayConfig): Promise<RunningServer> {
  const signer = viewerSigner(GATEWAY_SERVICE, config.signingKey);
  const gateway = new ApolloGateway({
    supergraphSdl: config.supergraphSdl,
    buildService: ({ name, url }) =>
      new RemoteGraphQLDataSource<PlainContext>({
        url,
        async willSendRequest({ request, context }) {
          const body = { query: request.query, operationName: request.operationName, variables: request.variables };
          request.http?.headers.set(
            VIEWER_HEADER,
            await signer.sign(context.viewer, { audience: name, body, requestId: context.requestId }),
          );
        },
      }),
  });
  const server = new ApolloServer<PlainContext>({ gateway });
  const { url } = await startStandaloneServer(server, {
    listen: { port: 0, host: '127.0.0.1' },
    context: async ({ req }) => {
      const header = req.headers[BENCH_VIEWER_HEADER];
      return { viewer: viewerFromBenchHeader(Array.isArray(header) ? header[0] : header), requestId: randomUUID() };
    },
  });
  return { name: 'apollo', url, close: () => server.stop() };
}
