import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { eventLog } from '@membership/events';
import { encodeCursor } from '@membership/domain';
import { startTestStack, type TestStack } from '@membership/testing';
import { seedOrders } from '../src/index.js';
import { outbox } from '../src/db/schema.js';

let stack: TestStack;
const demo = (name: string) => stack.demo.find((m) => m.displayName === name)!;
const ana = () => demo('Ana');
const bo = () => demo('Bo');
const chen = () => demo('Chen');
const dee = () => demo('Dee');

beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

const MY_ORDERS = /* GraphQL */ `
  query MyOrders($first: Int, $after: String) {
    me {
      id
      orders(first: $first, after: $after) {
        edges {
          cursor
          node {
            id
            status
            placedAt
            total {
              amount
              currency
            }
            lines {
              sku
              quantity
              unitPrice {
                amount
                currency
              }
              total {
                amount
              }
            }
          }
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
  }
`;

/** Staff state why they read a member's orders: orders are behaviour (`@pii(category: BEHAVIOUR)`). */
const SUPPORT = { 'x-access-purpose': 'support' };

const ORDER = /* GraphQL */ `
  query Order($id: ID!) {
    order(id: $id) {
      id
      total {
        amount
        currency
      }
      member {
        id
      }
    }
  }
`;

interface OrderNode {
  id: string;
  status: string;
  placedAt: string;
  total: { amount: number; currency: string };
  lines: { sku: string; quantity: number; unitPrice: { amount: number; currency: string }; total: { amount: number } }[];
}
interface OrdersPage {
  edges: { cursor: string; node: OrderNode }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

async function myOrders(memberId: string, variables: { first?: number; after?: string }) {
  return stack.gql<{ me: { orders: OrdersPage | null } }>(MY_ORDERS, variables, { token: await stack.memberToken(memberId) });
}

describe('a member reading their orders', () => {
  it('Ana (member) reads her last two orders, newest first, then the one before them on the next page', async () => {
    const first = await myOrders(ana().id, { first: 2 });
    expect(first.body.errors).toBeUndefined();
    const page1 = first.body.data!.me.orders!;
    expect(page1.edges).toHaveLength(2);
    expect(page1.pageInfo.hasNextPage).toBe(true);
    expect(page1.pageInfo.endCursor).toBe(page1.edges[1]!.cursor);
    for (const { node } of page1.edges) {
      expect(node.status).toBe('PAID');
      expect(node.total.currency).toBe('CNY');
      expect(node.total.amount).toBe(node.lines.reduce((sum, l) => sum + l.total.amount, 0));
      for (const line of node.lines) expect(line.total.amount).toBe(line.unitPrice.amount * line.quantity);
    }
    const [newest, older] = page1.edges.map((e) => e.node);
    expect(Date.parse(newest!.placedAt)).toBeGreaterThan(Date.parse(older!.placedAt));

    const second = await myOrders(ana().id, { first: 2, after: page1.pageInfo.endCursor! });
    expect(second.body.errors).toBeUndefined();
    const page2 = second.body.data!.me.orders!;
    expect(page2.edges).toHaveLength(1);
    expect(page2.pageInfo.hasNextPage).toBe(false);
    expect(page2.edges[0]!.node.id).not.toBe(newest!.id);
    expect(page2.edges[0]!.node.id).not.toBe(older!.id);
    expect(Date.parse(page2.edges[0]!.node.placedAt)).toBeLessThan(Date.parse(older!.placedAt));
  });

  it('Dee (member), who has bought nothing, gets an empty list, not an error', async () => {
    const result = await myOrders(dee().id, { first: 5 });
    expect(result.body.errors).toBeUndefined();
    expect(result.body.data!.me.orders).toEqual({ edges: [], pageInfo: { hasNextPage: false, endCursor: null } });
  });

  it('Ana (member) asking for 0 or 1000 orders at once is told how many she may ask for', async () => {
    for (const first of [0, 1000]) {
      const result = await myOrders(ana().id, { first });
      expect(result.body.data?.me.orders ?? null).toBeNull();
      expect(result.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(result.body.errors?.[0]?.message).toMatch(/first must be between 1 and 100/);
    }
  });

  it('Ana (member) with a cursor the list never gave out gets BAD_USER_INPUT, not a server error', async () => {
    const forged = encodeCursor({ at: new Date('2026-01-01T00:00:00Z'), id: 'not-an-order' });
    for (const after of ['garbage', forged]) {
      const result = await myOrders(ana().id, { first: 2, after });
      expect(result.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(result.body.errors?.[0]?.message).toMatch(/cursor/);
    }
  });
});

describe('one order by id', () => {
  async function firstOrderOf(memberId: string): Promise<OrderNode> {
    const result = await myOrders(memberId, { first: 1 });
    return result.body.data!.me.orders!.edges[0]!.node;
  }

  it('Ana (member) reads her own order by id', async () => {
    const mine = await firstOrderOf(ana().id);
    const result = await stack.gql(ORDER, { id: mine.id }, { token: await stack.memberToken(ana().id) });
    expect(result.body.errors).toBeUndefined();
    expect(result.body.data).toEqual({ order: { id: mine.id, total: mine.total, member: { id: ana().id } } });
  });

  it("Ana (member) asking for Bo's order gets NOT_FOUND and nothing of the order", async () => {
    const bosOrder = await firstOrderOf(bo().id);
    const result = await stack.gql(ORDER, { id: bosOrder.id }, { token: await stack.memberToken(ana().id) });
    expect(result.body.data?.order ?? null).toBeNull();
    expect(result.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(JSON.stringify(result.body)).not.toContain(String(bosOrder.total.amount));
  });

  it("staff with orders:read (and pii:behaviour:read, with a purpose) read Bo's order; staff without it are refused", async () => {
    const bosOrder = await firstOrderOf(bo().id);
    const allowed = await stack.gql(
      ORDER,
      { id: bosOrder.id },
      { token: await stack.staffToken(['orders:read', 'pii:behaviour:read']), headers: SUPPORT },
    );
    expect(allowed.body.errors).toBeUndefined();
    expect(allowed.body.data?.order).toMatchObject({ id: bosOrder.id, member: { id: bo().id } });

    const refused = await stack.gql(
      ORDER,
      { id: bosOrder.id },
      { token: await stack.staffToken(['members:read', 'pii:behaviour:read']), headers: SUPPORT },
    );
    expect(refused.body.data?.order ?? null).toBeNull();
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('an anonymous caller asking for an order is asked to sign in', async () => {
    const chensOrder = await firstOrderOf(chen().id);
    const result = await stack.gql(ORDER, { id: chensOrder.id });
    expect(result.body.data?.order ?? null).toBeNull();
    expect(result.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe("staff reading members' orders", () => {
  const MEMBERS_WITH_ORDERS = /* GraphQL */ `
    query MembersWithOrders($first: Int!) {
      members(first: $first) {
        edges {
          node {
            id
            orders(first: 5) {
              edges {
                node {
                  id
                  lines {
                    sku
                  }
                }
              }
            }
          }
        }
      }
    }
  `;
  interface MembersWithOrders {
    members: { edges: { node: { id: string; orders: { edges: { node: { id: string; lines: { sku: string }[] } }[] } | null } }[] };
  }

  async function statementsFor(first: number, token: string) {
    const before = stack.database.statementCount();
    const result = await stack.gql<MembersWithOrders>(MEMBERS_WITH_ORDERS, { first }, { token, headers: SUPPORT });
    const statements = stack.database.statementCount() - before;
    expect(result.body.errors).toBeUndefined();
    return { statements, members: result.body.data!.members.edges.map((e) => e.node) };
  }

  it('staff with members:read, orders:read and pii:behaviour:read see 2 or 4 members with their orders and lines for the same number of SQL statements', async () => {
    const token = await stack.staffToken(['members:read', 'orders:read', 'pii:behaviour:read']);
    // Two members, not one: members are listed newest first, and the newest demo member
    // (Dee) has no orders, so a page of one would never reach order lines and would
    // compare fewer loaders, not fewer members.
    const two = await statementsFor(2, token);
    const four = await statementsFor(4, token);
    expect(two.members).toHaveLength(2);
    expect(four.members).toHaveLength(4);
    // Both pages must reach order lines, or the comparison would prove nothing about them.
    expect(two.members.some((m) => m.orders!.edges.length > 0)).toBe(true);
    const orders = four.members.flatMap((m) => m.orders!.edges);
    expect(orders).toHaveLength(6);
    expect(orders.every((o) => o.node.lines.length > 0)).toBe(true);
    expect(four.statements).toBe(two.statements);
  });
});

describe('OrderPaid events', () => {
  const paidEvents = () => stack.database.db.select().from(eventLog).where(eq(eventLog.type, 'OrderPaid'));

  it("each of Ana's paid orders published one OrderPaid event with the order's total", async () => {
    await stack.drainEvents();
    const result = await myOrders(ana().id, { first: 10 });
    const orders = result.body.data!.me.orders!.edges.map((e) => e.node);
    expect(orders).toHaveLength(3);
    const events = (await paidEvents()).map((e) => e.payload as { orderId: string; memberId: string; amount: number; currency: string });
    for (const order of orders) {
      expect(events.filter((e) => e.orderId === order.id)).toEqual([
        {
          orderId: order.id,
          memberId: ana().id,
          amount: order.total.amount,
          currency: 'CNY',
          paidAt: expect.any(String),
          method: 'online',
          pointsHoldId: null,
          pointsUsed: 0,
          returnWindowEndsAt: null,
          shareCode: null,
        },
      ]);
    }
  });

  it('seeding the demo orders again changes no order and records no second event', async () => {
    const before = await myOrders(ana().id, { first: 10 });
    const eventsBefore = (await paidEvents()).length;
    await seedOrders({ database: stack.database, memberIds: stack.demo.map((m) => m.id), now: new Date(Date.now() + 86_400_000) });
    expect(await stack.database.db.select().from(outbox).where(eq(outbox.type, 'OrderPaid'))).toHaveLength(eventsBefore);
    await stack.drainEvents();
    expect(await paidEvents()).toHaveLength(eventsBefore);
    expect((await myOrders(ana().id, { first: 10 })).body).toEqual(before.body);
  });
});
