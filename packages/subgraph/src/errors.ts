import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import type { Logger } from '@membership/config';
import { DomainError, PUBLIC_CODES, type PublicErrorCode } from '@membership/domain';

/**
 * Apollo `formatError` for subgraphs and the gateway: domain errors keep their code and
 * message; anything unexpected is logged and leaves as a bare INTERNAL_SERVER_ERROR,
 * never with a stack, SQL text or an upstream URL.
 */
export function createErrorFormatter(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    if (original instanceof DomainError) {
      return {
        message: original.message,
        path: formatted.path,
        locations: formatted.locations,
        extensions: { code: original.code, ...(original.field ? { field: original.field } : {}), ...original.details },
      };
    }
    const code = formatted.extensions?.code;
    if (typeof code === 'string' && PUBLIC_CODES.has(code)) {
      const { stacktrace: _s, exception: _e, ...extensions } = formatted.extensions ?? {};
      return { ...formatted, extensions };
    }
    logger.error('unexpected error', {
      message: formatted.message,
      path: formatted.path,
      stack: original instanceof Error ? original.stack : undefined,
    });
    return {
      message: 'Internal server error',
      path: formatted.path,
      locations: formatted.locations,
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    };
  };
}

/** A GraphQL error with a public code, for places that must throw GraphQLError directly. */
export function graphQLError(code: PublicErrorCode, message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code } });
}
