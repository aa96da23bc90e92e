import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '@membership/db';
import {
  IDENTITY,
  MEMBER_DATA_EXPORT,
  callSubgraph,
  publishMemberErased,
  rowsMentioning,
  startTestStack,
  type TestStack,
} from '@membership/testing';
import { ordersHandlers } from '../src/consumer.js';
import type { OrdersExport } from '../src/domain/export.js';

let stack: TestStack;
const demo = (name: string) => stack.demo.find((m) => m.displayName === name)!;
const ana = () => demo('Ana');
const bo = () => demo('Bo');

beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

async function exportOf(memberId: string): Promise<OrdersExport> {
  const res = await callSubgraph(stack, 'orders', MEMBER_DATA_EXPORT, { memberId }, IDENTITY);
  expect(res.body.errors).toBeUndefined();
  return JSON.parse(res.body.data.memberDataExport as string) as OrdersExport;
}

const MY_ORDERS = /* GraphQL */ `
  query {
    me {
      id
      orders {
        edges {
          node {
            id
          }
        }
      }
    }
  }
`;

const ORDER = /* GraphQL */ `
  query Order($id: ID!) {
    order(id: $id) {
      id
      status
      total {
        amount
        currency
      }
      lines {
        sku
      }
      member {
        id
      }
    }
  }
`;

describe("orders' part of a member's data export", () => {
  it("identity's export job gets all three of Ana's orders with their lines, as JSON", async () => {
    const data = await exportOf(ana().id);
    expect(data.subgraph).toBe('orders');
    expect(data.memberId).toBe(ana().id);
    expect(data.orders).toHaveLength(3);
    for (const order of data.orders) {
      expect(order.lines.length).toBeGreaterThan(0);
      expect(order.total.amount).toBe(order.lines.reduce((sum, l) => sum + l.unitPrice.amount * l.quantity, 0));
      expect(order.total.currency).toBe('CNY');
    }
    const placed = data.orders.map((o) => Date.parse(o.placedAt));
    expect(placed).toEqual([...placed].sort((a, b) => a - b));
  });

  it("the export for Ana holds none of Bo's orders", async () => {
    const [anas, bos] = [await exportOf(ana().id), await exportOf(bo().id)];
    expect(bos.orders).toHaveLength(2);
    const anaIds = new Set(anas.orders.map((o) => o.id));
    expect(bos.orders.some((o) => anaIds.has(o.id))).toBe(false);
  });

  it.each([
    ['Ana (member), for her own orders', () => ({ kind: 'member' as const, memberId: ana().id })],
    [
      'staff with orders:read',
      () => ({ kind: 'staff' as const, staffId: '00000000-0000-4000-8000-00000000057a', scopes: ['orders:read'] }),
    ],
    ['the gateway as a service', () => ({ kind: 'service' as const, service: 'gateway' })],
  ])('%s calling orders directly cannot run the export: FORBIDDEN', async (_who, viewer) => {
    const res = await callSubgraph(stack, 'orders', MEMBER_DATA_EXPORT, { memberId: ana().id }, viewer());
    expect(res.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(res.body.data?.memberDataExport ?? null).toBeNull();
  });

  it('the export job asking with a member id that is not a UUID gets BAD_USER_INPUT', async () => {
    const res = await callSubgraph(stack, 'orders', MEMBER_DATA_EXPORT, { memberId: 'ana' }, IDENTITY);
    expect(res.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('the gateway does not expose memberDataExport: a client naming it gets GRAPHQL_VALIDATION_FAILED', async () => {
    const res = await stack.gql(
      MEMBER_DATA_EXPORT,
      { memberId: ana().id },
      { token: await stack.staffToken(['orders:read', 'members:read']) },
    );
    expect(res.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(res.body.data ?? null).toBeNull();
  });
});

describe('when Ana is erased', () => {
  const erasedAt = new Date('2026-03-01T08:00:00.000Z');
  let anaOrders: OrdersExport['orders'];

  beforeAll(async () => {
    anaOrders = (await exportOf(ana().id)).orders;
    // A risk flag about her, as the refund-spike check raises it: its key and reason name her.
    await stack.database.rows(sql`
      insert into orders.risk_flags (id, member_id, kind, reason, status, dedupe_key, raised_at)
      values (gen_random_uuid(), ${ana().id}, 'REFUND_SPIKE', ${`5 refunds on 2026-02-28 by member ${ana().id}`}, 'OPEN', ${`REFUND_SPIKE:${ana().id}:2026-02-28`}, ${erasedAt.toISOString()}::timestamptz - interval '1 day')`);
    // The check below can fail: before erasure her orders, OrderPaid events and flag name her.
    expect(Object.keys(await rowsMentioning(stack, 'orders', ana().id))).toEqual(
      expect.arrayContaining(['orders', 'outbox', 'risk_flags']),
    );
    await publishMemberErased(stack, 'orders', ana().id, erasedAt);
    await stack.drainEvents();
  });

  it('no row in the orders schema mentions Ana any more', async () => {
    expect(await rowsMentioning(stack, 'orders', ana().id)).toEqual({});
  });

  it('her orders stay for tax, unlinked: same totals and lines, no member, marked erased', async () => {
    const token = await stack.staffToken(['orders:read', 'pii:behaviour:read']);
    for (const kept of anaOrders) {
      const res = await stack.gql(ORDER, { id: kept.id }, { token, headers: { 'x-access-purpose': 'support' } });
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data.order).toEqual({
        id: kept.id,
        status: kept.status,
        total: kept.total,
        lines: kept.lines.map((l) => ({ sku: l.sku })),
        member: null,
      });
    }
    const [row] = await stack.database.rows<{ n: number | string }>(
      sql`select count(*) as n from orders.orders where member_id is null and erased_at = ${erasedAt.toISOString()}`,
    );
    expect(Number(row!.n)).toBe(anaOrders.length);
  });

  it('Ana (member) sees no orders on her profile through the gateway', async () => {
    const res = await stack.gql(MY_ORDERS, {}, { token: await stack.memberToken(ana().id) });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.me.orders.edges).toEqual([]);
  });

  it("identity's export job finds nothing left for Ana", async () => {
    expect((await exportOf(ana().id)).orders).toEqual([]);
  });

  it("Bo's orders are untouched and still his", async () => {
    const res = await stack.gql(MY_ORDERS, {}, { token: await stack.memberToken(bo().id) });
    expect(res.body.data.me.orders.edges).toHaveLength(2);
    expect(Object.keys(await rowsMentioning(stack, 'orders', bo().id))).toContain('orders');
  });

  it('erasing Ana again changes nothing: her orders keep the first erasure time', async () => {
    const event = {
      id: crypto.randomUUID(),
      type: 'MemberErased' as const,
      payload: { memberId: ana().id, erasedAt: new Date().toISOString() },
      occurredAt: new Date(),
    };
    await stack.database.db.transaction((tx) => ordersHandlers.MemberErased(tx as never, event));
    const [row] = await stack.database.rows<{ n: number | string }>(
      sql`select count(*) as n from orders.orders where erased_at = ${erasedAt.toISOString()}`,
    );
    expect(Number(row!.n)).toBe(anaOrders.length);
  });
});
