import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGatewayRuntime } from '@graphql-hive/gateway-runtime';
import { VIEWER_HEADER, signViewer } from '@membership/viewer';
import type { RunningServer } from '@membership/subgraph';
import { loadHiveBenchEnv } from './env.js';
import { BENCH_VIEWER_HEADER, viewerFromBenchHeader, type BenchGatewayConfig } from './gateway-config.js';

/**
 * Hive Gateway's runtime (the library behind `hive-gateway`) on the same supergraph,
 * served by node:http, with no authentication. The signed viewer goes to subgraphs the
 * way Hive's docs say to forward auth, `propagateHeaders.fromClientToSubgraphs`. It is
 * signed with a fixed request id, so the header is the same for the same caller (within
 * the second of its timestamp), as a forwarded client token would be: Hive's own
 * deduplication of identical in-flight subgraph queries, which keys on propagated
 * headers, can then share calls between requests of the same caller, as ours does.
 *
 * Not in an `onFetch` plugin: Hive deduplicates identical in-flight subgraph queries
 * and keys them on URL and body, plus headers only when they come from the transport
 * config or from propagateHeaders. A header added in `onFetch` is outside the key, so
 * two members asking `{ me { ... } }` at the same moment share one answer — the bench
 * caught exactly that (BENCH_HIVE_HEADERS=onfetch shows it; see docs/PERFORMANCE.md).
 */
export async function startHive(config: BenchGatewayConfig): Promise<RunningServer> {
  const signFor = (request: Request) =>
    signViewer(viewerFromBenchHeader(request.headers.get(BENCH_VIEWER_HEADER)), config.signingSecret, { requestId: 'hive-gateway' });
  const settings = loadHiveBenchEnv();
  const inOnFetch = settings.BENCH_HIVE_HEADERS === 'onfetch';
  const runtime = createGatewayRuntime({
    supergraph: config.supergraphSdl,
    logging: 'error',
    landingPage: false,
    graphiql: false,
    maskedErrors: !settings.BENCH_HIVE_UNMASKED_ERRORS,
    ...(inOnFetch
      ? {
          plugins: () => [
            {
              onFetch({ options, setOptions, context }) {
                const ctx = context as { request: Request };
                setOptions({ ...options, headers: { ...options.headers, [VIEWER_HEADER]: signFor(ctx.request) } });
              },
            },
          ],
        }
      : {
          propagateHeaders: {
            fromClientToSubgraphs: ({ request }) => ({ [VIEWER_HEADER]: signFor(request) }),
          },
        }),
  });
  const server = createServer(runtime);
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    name: 'hive',
    url: `http://127.0.0.1:${port}/graphql`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await runtime.dispose();
    },
  };
}
