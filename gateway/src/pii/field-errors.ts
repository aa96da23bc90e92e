import { GraphQLError, type FieldNode } from 'graphql';

/**
 * Builds an error without capturing a stack trace. Denials are expected outcomes, not
 * faults, and no client ever sees a stack; capturing and source-mapping one per error
 * was a quarter of the cost of a response with denied fields.
 */
export function withoutStackTrace<T>(build: () => T): T {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return build();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** A response path as graphql-js links it, from the field back to the root. */
interface LinkedPath {
  readonly prev: LinkedPath | undefined;
  readonly key: string | number;
}

/** `['members', 'edges', 3, 'node', 'email']` (or the same linked) → `members.edges.*.node.email`. */
export function pathPattern(path: readonly (string | number)[] | LinkedPath): string {
  if (Array.isArray(path)) return path.map((p) => (typeof p === 'number' ? '*' : p)).join('.');
  const linked = path as LinkedPath;
  let pattern = typeof linked.key === 'number' ? '*' : linked.key;
  for (let p = linked.prev; p; p = p.prev) pattern = `${typeof p.key === 'number' ? '*' : p.key}.${pattern}`;
  return pattern;
}

/** Key under which denials of one path pattern and reason are counted. */
export const denialKey = (pattern: string, message: string) => `${pattern}|${message}`;

/** FORBIDDEN denials of one path pattern and reason: the earliest row, and how many rows. */
export interface FieldDenial {
  message: string;
  nodes: readonly FieldNode[];
  /** The earliest row's path. */
  path: (string | number)[];
  /** `members.*.email`. */
  pattern: string;
  count: number;
}

/**
 * One error per denied field path rather than one per row: `extensions.count` says how
 * many rows it stands for, `extensions.pathPattern` which path.
 */
export function denialErrors(denials: readonly FieldDenial[]): GraphQLError[] {
  return denials.map(({ message, nodes, path, pattern, count }) =>
    withoutStackTrace(() => new GraphQLError(message, { nodes, path, extensions: { code: 'FORBIDDEN', pathPattern: pattern, count } })),
  );
}
