import { GraphQLError } from 'graphql';

/** `['members', 'edges', 3, 'node', 'email']` → `members.edges.*.node.email`. */
export const pathPattern = (path: readonly (string | number)[]) => path.map((p) => (typeof p === 'number' ? '*' : p)).join('.');

/** Key under which denials of one path pattern and reason are counted. */
export const denialKey = (path: readonly (string | number)[], message: string) => `${pathPattern(path)}|${message}`;

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
    const key = denialKey(error.path, error.message);
    const seen = folded.get(key);
    if (seen) seen.count++;
    else folded.set(key, { error, count: 1 });
  }
  const result = [...folded].map(
    ([key, { error, count: raised }]) =>
      new GraphQLError(error.message, {
        nodes: error.nodes,
        path: error.path,
        extensions: { code: 'FORBIDDEN', pathPattern: pathPattern(error.path ?? []), count: Math.max(raised, counted.get(key) ?? 0) },
      }),
  );
  return [...others, ...result];
}
