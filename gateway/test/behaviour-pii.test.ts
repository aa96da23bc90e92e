import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '@membership/db';
import { startTestStack, type TestStack } from '@membership/testing';

/**
 * Order history, points, standing and tier describe what a member did: they carry
 * `@pii(category: BEHAVIOUR)`, so staff read them only with pii:behaviour:read and a stated
 * purpose, every such read is in the member's access log, and the member reads their own
 * as before.
 */
let stack: TestStack;
const ana = () => stack.demo.find((m) => m.displayName === 'Ana')!;

const SAM = '00000000-0000-4000-8000-000000005a30';
/** What support staff held before behaviour was marked: every subgraph's read scope, contact masked. */
const SUPPORT_WITHOUT_BEHAVIOUR = ['members:read', 'orders:read', 'points:read', 'tiers:read', 'moderation:read', 'pii:contact:masked'];
const SUPPORT = [...SUPPORT_WITHOUT_BEHAVIOUR, 'pii:behaviour:read'];
const PURPOSE = { 'x-access-purpose': 'support' };

beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

const ANA_ACTIVITY = /* GraphQL */ `
  query AnaActivity($id: ID!) {
    member(id: $id) {
      id
      displayName
      orders(first: 5) {
        edges {
          node {
            id
            status
            total {
              amount
              currency
            }
            lines {
              sku
            }
          }
        }
      }
      pointsBalance
      pointsHistory(first: 5) {
        edges {
          node {
            delta
            reason
          }
        }
      }
      standing {
        status
      }
      tier {
        code
      }
    }
  }
`;
const ONE_ORDER = /* GraphQL */ `
  query OneOrder($id: ID!) {
    order(id: $id) {
      id
      total {
        amount
      }
      placedAt
      member {
        id
      }
    }
  }
`;
const MY_LOG = /* GraphQL */ `
  {
    me {
      piiAccessLog(first: 20) {
        edges {
          node {
            viewerKind
            viewerId
            purpose
            fields
            categories
            operationName
          }
        }
      }
    }
  }
`;

const samToken = (scopes = SUPPORT) => stack.staffToken(scopes, SAM);
const codes = (errors: { extensions?: { code?: string } }[] | undefined) => [...new Set((errors ?? []).map((e) => e.extensions?.code))];
const logRowsOf = async (memberId: string) =>
  Number(
    (
      await stack.database.rows<{ n: number | string }>(
        sql`select count(*) as n from identity.pii_access_log where owner_member_id = ${memberId}`,
      )
    )[0]!.n,
  );

async function anasLog() {
  const res = await stack.gql(MY_LOG, {}, { token: await stack.memberToken(ana().id) });
  expect(res.body.errors).toBeUndefined();
  return res.body.data.me.piiAccessLog.edges.map((e: { node: unknown }) => e.node) as {
    viewerKind: string;
    viewerId: string;
    purpose: string | null;
    fields: string[];
    categories: string[];
    operationName: string | null;
  }[];
}

describe('staff reading what a member did', () => {
  it("Sam (support, no purpose) cannot read Ana's orders, points, standing or tier: FORBIDDEN, the rest of the response stays", async () => {
    const before = await logRowsOf(ana().id);
    const res = await stack.gql(ANA_ACTIVITY, { id: ana().id }, { token: await samToken() });
    expect(res.body.data.member).toEqual({
      id: ana().id,
      displayName: 'Ana',
      orders: null,
      pointsBalance: null,
      pointsHistory: null,
      standing: null,
      tier: null,
    });
    expect(codes(res.body.errors)).toEqual(['FORBIDDEN']);
    expect(res.body.errors![0]!.message).toContain('x-access-purpose');
    expect(res.body.errors!.map((e) => e.path!.at(-1)).sort()).toEqual(['orders', 'pointsBalance', 'pointsHistory', 'standing', 'tier']);
    expect(await logRowsOf(ana().id)).toBe(before);
  });

  it("Sam (support as it was: orders:read but no pii:behaviour:read) cannot read Ana's orders even with a purpose", async () => {
    const res = await stack.gql(ANA_ACTIVITY, { id: ana().id }, { token: await samToken(SUPPORT_WITHOUT_BEHAVIOUR), headers: PURPOSE });
    expect(res.body.data.member).toMatchObject({ displayName: 'Ana', orders: null, pointsBalance: null, standing: null, tier: null });
    expect(codes(res.body.errors)).toEqual(['FORBIDDEN']);
    expect(res.body.errors![0]!.message).toContain('pii:behaviour:read');
  });

  it("Sam (support, no purpose) reading one of Ana's orders by id sees that it exists and whose it is, not what she bought", async () => {
    const orderId = (await anasOrders())[0]!.id;
    const res = await stack.gql(ONE_ORDER, { id: orderId }, { token: await samToken() });
    expect(res.body.data.order).toEqual({ id: orderId, total: null, placedAt: null, member: { id: ana().id } });
    expect(codes(res.body.errors)).toEqual(['FORBIDDEN']);
  });

  it("Sam with pii:behaviour:read and purpose 'support' reads Ana's orders, points, standing and tier, and Ana sees that read in piiAccessLog", async () => {
    const res = await stack.gql(ANA_ACTIVITY, { id: ana().id }, { token: await samToken(), headers: PURPOSE });
    expect(res.body.errors).toBeUndefined();
    const member = res.body.data.member;
    expect(member.orders.edges).toHaveLength(3);
    expect(member.orders.edges.every((e: { node: { total: { amount: number } } }) => e.node.total.amount > 0)).toBe(true);
    expect(member.pointsBalance).toEqual(expect.any(Number));
    expect(member.pointsHistory.edges.length).toBeGreaterThan(0);
    expect(member.standing).toEqual({ status: 'GOOD' });
    expect(member.tier).toEqual({ code: 'GOLD' });

    const read = (await anasLog()).find((row) => row.operationName === 'AnaActivity');
    expect(read).toMatchObject({ viewerKind: 'staff', viewerId: SAM, purpose: 'support', categories: ['BEHAVIOUR'] });
    expect(read!.fields).toEqual(
      expect.arrayContaining([
        'Member.orders',
        'Order.status',
        'Order.total',
        'Order.lines',
        'Member.pointsBalance',
        'Member.pointsHistory',
        'Member.standing',
        'Member.tier',
      ]),
    );
  });

  it("Sam with pii:behaviour:read and purpose 'support' reads one of Ana's orders by id, and the log names Ana as its owner", async () => {
    const orderId = (await anasOrders())[0]!.id;
    const res = await stack.gql(ONE_ORDER, { id: orderId }, { token: await samToken(), headers: PURPOSE });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.order).toMatchObject({ id: orderId, total: { amount: expect.any(Number) }, member: { id: ana().id } });
    const read = (await anasLog()).find((row) => row.operationName === 'OneOrder');
    expect(read).toMatchObject({ viewerId: SAM, purpose: 'support', fields: ['Order.placedAt', 'Order.total'] });
  });
});

async function anasOrders(): Promise<{ id: string; memberId: string | null }[]> {
  const res = await stack.gql(
    '{ me { orders(first: 5) { edges { node { id memberId } } } } }',
    {},
    { token: await stack.memberToken(ana().id) },
  );
  expect(res.body.errors).toBeUndefined();
  return res.body.data.me.orders.edges.map((e: { node: { id: string; memberId: string | null } }) => e.node);
}

describe('a member reading what they did', () => {
  it('Ana reads her own orders, points history and standing as before, her orders name her, and no access-log row is written', async () => {
    const before = await logRowsOf(ana().id);
    const res = await stack.gql(
      `{ me { orders(first: 5) { edges { node { memberId status total { amount } lines { sku } } } } pointsBalance pointsHistory(first: 5) { edges { node { delta } } } standing { status } tier { code } tierSince } }`,
      {},
      { token: await stack.memberToken(ana().id) },
    );
    expect(res.body.errors).toBeUndefined();
    const me = res.body.data.me;
    expect(me.orders.edges).toHaveLength(3);
    expect(
      me.orders.edges.every(
        (e: { node: { memberId: string; lines: unknown[] } }) => e.node.memberId === ana().id && e.node.lines.length > 0,
      ),
    ).toBe(true);
    expect(me.pointsBalance).toEqual(expect.any(Number));
    expect(me.pointsHistory.edges.length).toBeGreaterThan(0);
    expect(me.standing).toEqual({ status: 'GOOD' });
    expect(me.tier).toEqual({ code: 'GOLD' });
    expect(me.tierSince).not.toBeNull();
    expect(await logRowsOf(ana().id)).toBe(before);
  });
});
