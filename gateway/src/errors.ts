import type { GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import type { Logger } from '@membership/config';
import { PUBLIC_CODES } from '@membership/subgraph';

/**
 * Codes a client may see from the gateway: every public subgraph code, plus the two the
 * gateway raises itself. Anything else becomes INTERNAL_SERVER_ERROR.
 */
const GATEWAY_CODES = new Set([...PUBLIC_CODES, 'SUBGRAPH_UNAVAILABLE', 'SERVICE_UNAVAILABLE']);

/** Extensions a client may see; everything else (serviceName, stack, exception) is dropped. */
const PUBLIC_EXTENSIONS = new Set([
  'code',
  'field',
  'retryAfterSeconds',
  'count',
  'pathPattern',
  'subgraph',
  'bannedUntil',
  'policies',
  'requiredLevel',
  'sanction',
  'restrictedUntil',
  'verificationRefused',
]);

const URL_PATTERN = /https?:\/\/\S+/g;

/**
 * Apollo Server's own request errors that carry no code, with the code and words a client
 * can act on.
 */
const APOLLO_REQUEST_ERRORS: Record<string, { code: string; message: string }> = {
  'provided sha does not match query': {
    code: 'BAD_REQUEST',
    message: 'extensions.persistedQuery.sha256Hash is not the sha256 of the query sent with it.',
  },
  'Unsupported persisted query version': { code: 'BAD_REQUEST', message: 'Only persisted query version 1 is supported.' },
};

/**
 * The last word on what an error says at the public door: a known code keeps its
 * message (with any URL cut out); anything else is logged and becomes a bare internal
 * error. The request id is added by the request-id plugin.
 */
export function createGatewayErrorFormatter(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const known = APOLLO_REQUEST_ERRORS[formatted.message];
    if (known) return { message: known.message, extensions: { code: known.code } };
    const code = formatted.extensions?.code;
    if (typeof code === 'string' && GATEWAY_CODES.has(code)) {
      const extensions: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(formatted.extensions ?? {})) if (PUBLIC_EXTENSIONS.has(k)) extensions[k] = v;
      return {
        message: formatted.message.replace(URL_PATTERN, '<subgraph>'),
        locations: formatted.locations,
        path: formatted.path,
        extensions,
      };
    }
    const original = unwrapResolverError(error);
    logger.error('unexpected error at the gateway', {
      message: formatted.message,
      code,
      path: formatted.path,
      stack: original instanceof Error ? original.stack : undefined,
    });
    return {
      message: 'Internal server error',
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    };
  };
}
