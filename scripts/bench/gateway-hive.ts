import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGatewayRuntime } from '@graphql-hive/gateway-runtime';
import { GATEWAY_SERVICE, VIEWER_HEADER, viewerSigner, type ForwardedBody } from '@membership/viewer';
import type { RunningServer } from '@membership/subgraph';
import { loadHiveBenchEnv } from './env.js';
import { BENCH_VIEWER_HEADER, viewerFromBenchHeader, type BenchGatewayConfig } from './gateway-config.js';

/**
 * Hive Gateway's runtime (the library behind `hive-gateway`) on the same supergraph,
 * served by node:http, with no authentication. The signed viewer is bound to each
 * subgraph call's body, which only `onFetch` sees, so it is signed there; the caller goes
 * along the way Hive's docs say to forward auth, `propagateHeaders.fromClientToSubgraphs`.
 *
 * Both, because Hive deduplicates identical in-flight subgraph queries and keys them on
 * URL and body, plus headers only when they come from the transport config or from
 * propagateHeaders. A header added in `onFetch` alone is outside the key, so two members
 * asking `{ me { ... } }` at the same moment would share one answer — the bench caught
 * exactly that (BENCH_HIVE_HEADERS=onfetch shows it; see docs/PERFORMANCE.md). The
 * propagated caller header puts the caller in the key, as ours keys on the caller's claims.
 */
export async function startHive(config: BenchGatewayConfig): Promise<RunningServer> {
  const signer = viewerSigner(GATEWAY_SERVICE, config.signingKey);
  const subgraphOf = new Map(Object.entries(config.subgraphUrls).map(([name, url]) => [url, name]));
  const settings = loadHiveBenchEnv();
  const inOnFetch = settings.BENCH_HIVE_HEADERS === 'onfetch';
  const runtime = createGatewayRuntime({
    supergraph: config.supergraphSdl,
    logging: 'error',
    landingPage: false,
    graphiql: false,
    maskedErrors: !settings.BENCH_HIVE_UNMASKED_ERRORS,
    plugins: () => [
      {
        async onFetch({ url, options, setOptions, context }) {
          const request = (context as { request: Request }).request;
          const body = (typeof options.body === 'string' ? JSON.parse(options.body) : undefined) as ForwardedBody | undefined;
          const header = await signer.sign(viewerFromBenchHeader(request.headers.get(BENCH_VIEWER_HEADER)), {
            audience: subgraphOf.get(url) ?? '',
            body: body ?? {},
            requestId: 'hive-gateway',
          });
          setOptions({ ...options, headers: { ...options.headers, [VIEWER_HEADER]: header } });
        },
      },
    ],
    ...(inOnFetch
      ? {}
      : {
          propagateHeaders: {
            fromClientToSubgraphs: ({ request }) => ({ [BENCH_VIEWER_HEADER]: request.headers.get(BENCH_VIEWER_HEADER) ?? '' }),
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
