import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callSubgraph, startTestStack, type TestStack } from '@membership/testing';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

const STAFF = {
  kind: 'staff' as const,
  staffId: randomUUID(),
  scopes: ['members:read', 'points:read', 'orders:read', 'tiers:read', 'moderation:read'],
};

/** What the gateway sends a subgraph for 100 member references, signed as staff. */
async function entities(subgraph: string, selection: string, count: number): Promise<{ statements: number; resolved: number }> {
  const ids = [...stack.demo.map((m) => m.id), ...Array.from({ length: count - stack.demo.length }, () => randomUUID())];
  const before = stack.database.statementCount();
  const { body } = await callSubgraph(
    stack,
    subgraph,
    `query($r: [_Any!]!) { _entities(representations: $r) { ... on Member { ${selection} } } }`,
    { r: ids.map((id) => ({ __typename: 'Member', id })) },
    STAFF,
  );
  expect(body.errors).toBeUndefined();
  return { statements: stack.database.statementCount() - before, resolved: (body.data as { _entities: unknown[] })._entities.length };
}

describe('an _entities batch of 100 member references costs one statement per table involved', () => {
  it.each([
    ['identity', 'displayName email', 2],
    ['points', 'pointsBalance', 1],
    ['tiers', 'tier { code }', 1],
    ['moderation', 'standing { status }', 1],
    ['orders', 'orders(first: 5) { edges { node { id lines { sku } } } }', 2],
  ])('%s answers 100 references with %s in at most %i statement(s)', async (subgraph, selection, tables) => {
    const one = await entities(subgraph, selection, 4);
    const hundred = await entities(subgraph, selection, 100);
    expect(hundred.resolved).toBe(100);
    expect(hundred.statements).toBeLessThanOrEqual(tables);
    expect(hundred.statements).toBe(one.statements);
  });
});
