import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HeaderMap, type ApolloServer, type BaseContext } from '@apollo/server';

/** Thrown by a context builder to answer with a plain HTTP status instead of GraphQL. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code: string,
    /** Headers the refusal carries, e.g. retry-after. */
    readonly headers: Record<string, string> = {},
    /** Extensions beside the code, e.g. retryAfterSeconds. */
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export interface GraphQLHttpOptions<Ctx extends BaseContext> {
  apollo: ApolloServer<Ctx>;
  /**
   * Builds the request context from the request and its parsed JSON body (undefined for
   * GET); throw {@link HttpError} to refuse the request.
   */
  context: (req: IncomingMessage, body: unknown) => Promise<Ctx>;
  /** Largest accepted request body in bytes. */
  maxBodyBytes?: number;
  /** Extra routes answered before GraphQL (health checks). */
  routes?: Record<string, (req: IncomingMessage, res: ServerResponse) => void | Promise<void>>;
}

async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new HttpError(413, `Request body is larger than ${limit} bytes`, 'PAYLOAD_TOO_LARGE');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function sendError(
  res: ServerResponse,
  status: number,
  message: string,
  code: string,
  headers: Record<string, string> = {},
  extensions: Record<string, unknown> = {},
) {
  res.writeHead(status, { ...headers, 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify({ errors: [{ message, extensions: { ...extensions, code } }] }));
}

/**
 * A node:http listener that serves an Apollo Server at `/graphql` (and `/`), with a
 * body size limit and a context builder that can refuse with an HTTP status.
 */
export function graphqlHttpHandler<Ctx extends BaseContext>(options: GraphQLHttpOptions<Ctx>) {
  const limit = options.maxBodyBytes ?? 1_000_000;
  return async (req: IncomingMessage, res: ServerResponse) => {
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const route = options.routes?.[url.pathname];
      if (route) return await route(req, res);
      if (url.pathname !== '/graphql' && url.pathname !== '/') return sendError(res, 404, 'Not found', 'NOT_FOUND');
      const headers = new HeaderMap();
      for (const [key, value] of Object.entries(req.headers)) {
        if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
      }
      const raw = req.method === 'POST' ? await readBody(req, limit) : '';
      let body: unknown = undefined;
      if (raw) {
        try {
          body = JSON.parse(raw);
        } catch {
          return sendError(res, 400, 'Request body is not valid JSON', 'BAD_REQUEST');
        }
      }
      const context = await options.context(req, body);
      const result = await options.apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: url.search, body },
        context: async () => context,
      });
      for (const [key, value] of result.headers) res.setHeader(key, value);
      res.statusCode = result.status ?? 200;
      if (result.body.kind === 'complete') {
        res.end(result.body.string);
      } else {
        for await (const chunk of result.body.asyncIterator) res.write(chunk);
        res.end();
      }
    } catch (error) {
      // The rest of an oversized body is never read: the connection cannot carry another request.
      if (error instanceof HttpError && error.status === 413) res.setHeader('connection', 'close');
      if (error instanceof HttpError) return sendError(res, error.status, error.message, error.code, error.headers, error.extensions);
      if (!res.headersSent) sendError(res, 500, 'Internal server error', 'INTERNAL_SERVER_ERROR');
      else res.end();
    }
  };
}

/** Starts listening; port 0 picks a free one. Resolves with the URL and a closer. */
export async function listen(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  port: number,
  host = '127.0.0.1',
): Promise<{ server: Server; url: string; close(): Promise<void> }> {
  const server = createServer(handler);
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    server,
    url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${address.port}/graphql`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
