import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import type { Logger } from '@membership/config';

/** The error codes clients may rely on in `extensions.code`. */
export type PublicErrorCode =
  | 'BAD_USER_INPUT'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'RATE_LIMITED'
  | 'POLICY_ACCEPTANCE_REQUIRED';

/**
 * Every `extensions.code` a client may rely on: the domain codes above and the ones Apollo
 * Server itself uses for malformed requests. Anything else leaves as INTERNAL_SERVER_ERROR.
 */
export const PUBLIC_CODES: ReadonlySet<string> = new Set<string>([
  'BAD_USER_INPUT',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'RATE_LIMITED',
  'POLICY_ACCEPTANCE_REQUIRED',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

/**
 * An expected failure of a domain rule: the message is for a person to act on, the
 * code for a program. Domain functions throw these; one formatter turns them into
 * GraphQL errors.
 */
export class DomainError extends Error {
  override name = 'DomainError';
  constructor(
    readonly code: PublicErrorCode,
    message: string,
    /** Which input field is wrong, when one is. */
    readonly field?: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export const badInput = (message: string, field?: string) => new DomainError('BAD_USER_INPUT', message, field);
export const conflict = (message: string, field?: string) => new DomainError('CONFLICT', message, field);
export const notFound = (message: string) => new DomainError('NOT_FOUND', message);
export const forbidden = (message: string) => new DomainError('FORBIDDEN', message);
export const unauthenticated = (message: string) => new DomainError('UNAUTHENTICATED', message);

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
