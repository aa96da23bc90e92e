import { GraphQLError } from 'graphql';

/**
 * Builds an error without capturing a stack trace. Denials are expected outcomes, not
 * faults, and no client ever sees a stack; capturing and source-mapping one per error
 * was a quarter of the cost of a response with denied fields (docs/PII-LAYER-PERFORMANCE.md).
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

/**
 * One error per denied field path rather than one per row: errors with the same code,
 * message and path pattern fold into the first, with `extensions.count`.
 */
export function foldFieldErrors(errors: readonly GraphQLError[], counted: ReadonlyMap<string, number> = new Map()): GraphQLError[] {
  const folded = new Map<string, { error: GraphQLError; count: number }>();
  const others: GraphQLError[] = [];
  for (const error of errors) {
    if (!error.path || error.extensions?.code !== 'FORBIDDEN') {
      others.push(error);
      continue;
    }
    const key = denialKey(pathPattern(error.path), error.message);
    const seen = folded.get(key);
    if (seen) seen.count++;
    else folded.set(key, { error, count: 1 });
  }
  const result = [...folded].map(([key, { error, count: raised }]) =>
    withoutStackTrace(
      () =>
        new GraphQLError(error.message, {
          nodes: error.nodes,
          path: error.path,
          extensions: { code: 'FORBIDDEN', pathPattern: pathPattern(error.path ?? []), count: Math.max(raised, counted.get(key) ?? 0) },
        }),
    ),
  );
  return [...others, ...result];
}
