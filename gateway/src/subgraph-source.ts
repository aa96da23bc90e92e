import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { GraphQLError } from 'graphql';
import { VIEWER_HEADER, type ViewerSigner } from '@membership/viewer';
import type { GatewayContext } from './context.js';
import { deduplicatingFetch } from './inflight.js';

/**
 * A subgraph as the gateway calls it: every request carries the caller, signed for this
 * subgraph and this operation with its variables (so the header is good for nothing else), and
 * gives up after a timeout. Failures surface as SUBGRAPH_UNAVAILABLE without the
 * subgraph's address, so a client learns which fields are missing and nothing about
 * the topology.
 */
export class SignedSubgraphSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    private readonly subgraph: string,
    url: string,
    private readonly signer: ViewerSigner,
    timeoutMs: number,
    dedupe = true,
  ) {
    const timed = (input: string, init: RequestInit) => fetch(input, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    const send = dedupe ? deduplicatingFetch(timed) : timed;
    super({
      url,
      fetcher: (async (input: string, init: RequestInit = {}) => {
        try {
          return await send(input, init);
        } catch (error) {
          const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
          throw new GraphQLError(timedOut ? `The ${subgraph} service did not answer in time.` : `The ${subgraph} service is unavailable.`, {
            extensions: { code: 'SUBGRAPH_UNAVAILABLE', subgraph },
          });
        }
      }) as never,
    });
  }

  override async willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<void> {
    const viewer = context?.viewer ?? { kind: 'anonymous' as const };
    // Signed over the request as RemoteGraphQLDataSource serialises it next (no APQ).
    const header = await this.signer.sign(viewer, {
      audience: this.subgraph,
      body: { query: request.query, operationName: request.operationName, variables: request.variables },
      requestId: context?.requestId ?? 'internal',
      clientAddress: context?.clientAddress,
    });
    request.http?.headers.set(VIEWER_HEADER, header);
  }
}
