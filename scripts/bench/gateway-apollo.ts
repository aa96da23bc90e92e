import { randomUUID } from 'node:crypto';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { VIEWER_HEADER, signViewer, type Viewer } from '@membership/viewer';
import type { RunningServer } from '@membership/subgraph';
import { BENCH_VIEWER_HEADER, viewerFromBenchHeader, type BenchGatewayConfig } from './gateway-config.js';

interface PlainContext {
  viewer: Viewer;
  requestId: string;
}

/**
 * A plain @apollo/gateway + @apollo/server as its docs set it up, on the same
 * supergraph, with no authentication: the only addition is the signed viewer header
 * the subgraphs require.
 */
export async function startApollo(config: BenchGatewayConfig): Promise<RunningServer> {
  const gateway = new ApolloGateway({
    supergraphSdl: config.supergraphSdl,
    buildService: ({ url }) =>
      new RemoteGraphQLDataSource<PlainContext>({
        url,
        willSendRequest({ request, context }) {
          request.http?.headers.set(VIEWER_HEADER, signViewer(context.viewer, config.signingSecret, { requestId: context.requestId }));
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
