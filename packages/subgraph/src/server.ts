import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/index.js';
import { parse, type DocumentNode, type GraphQLSchema } from 'graphql';
import type { Logger } from '@membership/config';
import { VIEWER_HEADER, viewerVerifier, type ForwardedBody, type Viewer } from '@membership/viewer';
import { createErrorFormatter } from './errors.js';
import { guardSchema, type FieldRules } from './guard.js';
import { graphqlHttpHandler, HttpError, listen } from './http.js';

/** What every subgraph resolver can rely on in its context. */
export interface BaseSubgraphContext {
  viewer: Viewer;
  requestId: string;
  /** The client's network address, as the gateway signed it; absent for services' own calls. */
  clientAddress?: string;
}

/**
 * A subgraph's resolver map. Each subgraph types its own with the `Resolvers` that
 * `npm run codegen` generates from its SDL; the server only hands them to Apollo.
 */
export type SubgraphResolvers = { readonly [typeName: string]: unknown };

export interface SubgraphDefinition<Ctx extends BaseSubgraphContext> {
  /** The subgraph's name in the supergraph (identity, tiers, ...). */
  name: string;
  typeDefs: DocumentNode;
  resolvers: SubgraphResolvers;
  /** graphql-shield rules; root fields not named are denied. */
  rules: FieldRules;
  /** Builds the per-request context (loaders, repositories) for a verified viewer. */
  createContext(base: BaseSubgraphContext): Ctx;
}

/** Reads a subgraph's SDL file next to its source. */
export function loadTypeDefs(url: URL): DocumentNode {
  return parse(readFileSync(url, 'utf8'));
}

/** The subgraph's executable schema, guarded by its shield rules. */
export function buildGuardedSchema<Ctx extends BaseSubgraphContext>(definition: SubgraphDefinition<Ctx>): GraphQLSchema {
  // The generated resolver types are stricter than Apollo's map (typed parents, args and
  // context), so they are checked against the SDL in each subgraph and only cast here.
  const schema = buildSubgraphSchema({ typeDefs: definition.typeDefs, resolvers: definition.resolvers as GraphQLResolverMap<unknown> });
  return guardSchema(schema, definition.rules);
}

export interface RunningServer {
  name: string;
  url: string;
  close(): Promise<void>;
}

/**
 * Serves a subgraph over HTTP. Every GraphQL request must carry a viewer signed by one of
 * `trustedKeys` (service name -> public key) for this subgraph and this very body; one
 * without, signed by any other key, meant for another subgraph or body, or expired gets
 * 401 and never reaches a resolver.
 */
export async function startSubgraphServer<Ctx extends BaseSubgraphContext>(
  definition: SubgraphDefinition<Ctx>,
  options: { port: number; host?: string; trustedKeys: Record<string, string>; logger: Logger },
): Promise<RunningServer> {
  const apollo = new ApolloServer<Ctx>({
    schema: buildGuardedSchema(definition),
    formatError: createErrorFormatter(options.logger),
    includeStacktraceInErrorResponses: false,
    csrfPrevention: true,
    // Subgraphs are only reached through the gateway; it does its own introspection control.
    introspection: true,
    plugins: [ApolloServerPluginInlineTraceDisabled()],
  });
  await apollo.start();
  const verifier = viewerVerifier(definition.name, options.trustedKeys);
  const handler = graphqlHttpHandler<Ctx>({
    apollo,
    routes: {
      '/health': (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ status: 'ok', subgraph: definition.name }));
      },
    },
    context: async (req: IncomingMessage, body: unknown) => {
      const header = req.headers[VIEWER_HEADER];
      const forwarded = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as ForwardedBody) : undefined;
      const verified = await verifier.verify(Array.isArray(header) ? header[0] : header, forwarded);
      if ('rejected' in verified) {
        throw new HttpError(401, `Unauthorized: ${verified.rejected} caller signature`, 'UNAUTHENTICATED');
      }
      return definition.createContext({ viewer: verified.viewer, requestId: verified.requestId, clientAddress: verified.clientAddress });
    },
  });
  const server = await listen(handler, options.port, options.host);
  options.logger.info('subgraph listening', { url: server.url });
  return {
    name: definition.name,
    url: server.url,
    async close() {
      await server.close();
      await apollo.stop();
    },
  };
}
