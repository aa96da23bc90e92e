/**
 * The cost of an operation on its own, over the committed supergraph's types, with no
 * servers. Through the gateway (refused with 400 before any subgraph call) it is in
 * edge.test.ts.
 */
import { readFileSync } from 'node:fs';
import { Kind, buildSchema, getOperationAST, parse, type FragmentDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { DEFAULT_COST_MODEL, operationCost } from '../../src/operations/cost.js';
import { buildWorkloads } from '../../../scripts/bench/workloads.js';

// The supergraph declares its join directives, so graphql-js builds it as is; its types,
// fields and argument defaults are the API schema's.
const schema = buildSchema(readFileSync(new URL('../../../schema/supergraph.graphql', import.meta.url), 'utf8'));
const MAX_COST = 50_000;
// The bench's three workloads: (a) a member's dashboard, (b) the support list, (c) the deep list.
const workloads = await buildWorkloads({ jwtSecret: 'cost-test-secret-0123456789abcdef0123456789', dashboardMembers: [] });
const queryOf = (key: 'a' | 'b' | 'c') => (JSON.parse(workloads.find((w) => w.key === key)!.body) as { query: string }).query;
const [DASHBOARD, STAFF_LIST, DEEP] = [queryOf('a'), queryOf('b'), queryOf('c')];
const model = { ...DEFAULT_COST_MODEL, defaultListSize: 10 };

function cost(query: string, variables: Record<string, unknown> = {}): number {
  const document = parse(query);
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments[d.name.value] = d;
  return operationCost(schema, getOperationAST(document)!, fragments, variables, model);
}

/** Orders of the member of each order: two nested lists of `n` (written as given). */
const ordersOfOrders = (n: string) =>
  `me { orders(first: ${n}) { edges { node { id member { orders(first: ${n}) { edges { node { id } } } } } } } }`;

describe('list sizes count however they are written', () => {
  const literal = cost(`{ ${ordersOfOrders('100')} }`);

  it('100 × 100 orders cost far over the limit with literals', () => {
    expect(literal).toBeGreaterThan(MAX_COST * 10);
  });

  it('the same sizes through a variable default, a variable value or an inline fragment cost the same', () => {
    expect(cost(`query ($n: Int = 100) { ${ordersOfOrders('$n')} }`)).toBe(literal);
    expect(cost(`query ($n: Int!) { ${ordersOfOrders('$n')} }`, { n: 100 })).toBe(literal);
    expect(cost(`query ($n: Int = 1) { ${ordersOfOrders('$n')} }`, { n: 100 })).toBe(literal);
    expect(cost(`query { ... on Query { ${ordersOfOrders('100')} } }`)).toBe(literal);
  });

  it("a list size left out costs the schema's default (first: Int = 20)", () => {
    const byDefault = cost('{ members { edges { node { orders { edges { node { id } } } } } } }');
    expect(byDefault).toBe(cost('{ members(first: 20) { edges { node { orders(first: 20) { edges { node { id } } } } } } }'));
    expect(cost('query ($n: Int) { members(first: $n) { edges { node { id } } } }')).toBe(
      cost('{ members(first: 20) { edges { node { id } } } }'),
    );
  });

  it('an explicit null or a missing variable falls back to the default, never to one item', () => {
    const twenty = cost('{ members(first: 20) { edges { node { id } } } }');
    expect(cost('query ($n: Int) { members(first: $n) { edges { node { id } } } }', { n: null })).toBe(twenty);
    expect(cost('{ members(first: 0) { edges { node { id } } } }')).toBe(cost('{ members(first: 1) { edges { node { id } } } }'));
  });

  it('a size over the largest page a subgraph serves (100) costs as 100: the subgraph refuses it before any work', () => {
    const hundred = cost('{ members(first: 100) { edges { node { id } } } }');
    expect(cost('{ members(first: 1000) { edges { node { id } } } }')).toBe(hundred);
    expect(cost('query ($n: Int!) { members(first: $n) { edges { node { id } } } }', { n: 1e9 })).toBe(hundred);
  });

  it('a connection costs its size once: its edges and nodes are not multiplied again', () => {
    // members(first: 2): (2 + 1.5 × edges) × 2; edges: 2 + 1.5 × node; node: 2 + 1.5 × id.
    expect(cost('{ members(first: 2) { edges { node { id } } } }')).toBe((2 + 1.5 * (2 + 1.5 * (2 + 1.5 * 1))) * 2);
  });

  it("a list without a size argument (tiers, an order's lines) counts once: the domain bounds it", () => {
    expect(cost('{ tiers { name } }')).toBe(2 + 1.5 * 1);
  });

  it('a size argument neither given nor defaulted counts as COST_DEFAULT_LIST_SIZE; limit and last count too', () => {
    const feed = buildSchema('type Item { id: ID! } type Query { feed(limit: Int, last: Int): [Item!]! }');
    const of = (query: string, variables: Record<string, unknown> = {}) => {
      const document = parse(query);
      return operationCost(feed, getOperationAST(document)!, {}, variables, model);
    };
    const item = 2 + 1.5 * 1;
    expect(of('{ feed { id } }')).toBe(item * 10);
    expect(of('query ($n: Int) { feed(limit: $n) { id } }')).toBe(item * 10);
    expect(of('{ feed(limit: 3) { id } }')).toBe(item * 3);
    expect(of('query ($n: Int) { feed(limit: 2, last: $n) { id } }', { n: 40 })).toBe(item * 40);
  });

  it('a fragment spread many times over is costed once per spread, without walking it again and again', () => {
    // Each level spreads the one below it four times: 4^10 (a million) copies of `name` written out.
    const levels = Array.from({ length: 10 }, (_, i) => `fragment L${i} on Tier { ${`...L${i + 1} `.repeat(4)}}`);
    const query = `{ tiers { ...L0 } } ${levels.join(' ')} fragment L10 on Tier { name }`;
    const started = performance.now();
    expect(cost(query)).toBe(2 + 1.5 * 4 ** 10);
    expect(performance.now() - started).toBeLessThan(100);
  });
});

describe('what real clients ask for fits under MAX_COST (50,000)', () => {
  it('the support screen: 50 members with tier, balance, masked contact and 3 orders each', () => {
    expect(cost(STAFF_LIST)).toBeLessThan(MAX_COST / 2);
  });

  it('the same screen at the largest page a subgraph serves (100 members)', () => {
    expect(cost(STAFF_LIST.replace('first: 50', 'first: 100'))).toBeLessThan(MAX_COST);
  });

  it("a member's order history at the largest page (100 orders with their lines)", () => {
    const history =
      '{ me { orders(first: 100) { edges { cursor node { id status placedAt total { amount currency } lines { sku quantity unitPrice { amount currency } total { amount } } } } pageInfo { hasNextPage endCursor } } } }';
    expect(cost(history)).toBeLessThan(MAX_COST);
  });

  it("a member's dashboard and the deep three-hop list", () => {
    expect(cost(DASHBOARD)).toBeLessThan(MAX_COST / 10);
    expect(cost(DEEP)).toBeLessThan(MAX_COST / 5);
  });
});
