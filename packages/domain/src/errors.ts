/** The error codes clients may rely on in `extensions.code`. */
export type PublicErrorCode =
  | 'BAD_USER_INPUT'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'RATE_LIMITED'
  | 'POLICY_ACCEPTANCE_REQUIRED'
  /** A points spending the member's balance does not cover. */
  | 'INSUFFICIENT_POINTS'
  /** A feature that needs a higher real-name verification level; `requiredLevel` names it. */
  | 'VERIFICATION_REQUIRED';

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
  'INSUFFICIENT_POINTS',
  'VERIFICATION_REQUIRED',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

/**
 * An expected failure of a domain rule: the message is for a person to act on, the
 * code for a program. Domain functions throw these; one formatter in
 * @membership/subgraph turns them into GraphQL errors.
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
