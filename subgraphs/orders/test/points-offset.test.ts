import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { eventLog } from '@membership/events';
import { TEST_ENV, startTestStack, type TestStack } from '@membership/testing';
import { VIEWER_HEADER, viewerVerifier } from '@membership/viewer';

/**
 * Orders' side of the points offset, against a stand-in for points that checks orders'
 * signature with the real verifier and answers holdPointsForOrder as the contract says
 * (1 point = 1 fen off, capped at a share of the order). The real points subgraph is
 * exercised in orders-points-tiers.test.ts once it is on main.
 */
interface HoldCall {
  memberId: string;
  orderId: string;
  points: number;
  orderAmount: number;
  currency: string;
  idempotencyKey: string;
}
const calls: HoldCall[] = [];
const holds = new Map<string, { id: string; points: number; discountAmount: number; expiresAt: string }>();
const fake = { capPercent: 50, down: false, refuse: null as null | { code: string; message: string } };
const verifier = viewerVerifier('points', { orders: TEST_ENV.ORDERS_PUBLIC_KEY });
let pointsServer: Server;
let stack: TestStack;
let clock = new Date();
const tick = () => (clock = new Date(clock.getTime() + 1000));

beforeAll(async () => {
  pointsServer = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', async () => {
      const body = JSON.parse(raw);
      const verified = await verifier.verify(req.headers[VIEWER_HEADER] as string, body);
      const reply = (status: number, json: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(json));
      };
      if ('rejected' in verified) return reply(401, { errors: [{ message: verified.rejected }] });
      if (verified.viewer.kind !== 'service' || verified.viewer.service !== 'orders')
        return reply(403, { errors: [{ message: 'not orders' }] });
      if (fake.down) return reply(503, { errors: [{ message: 'down' }] });
      const input = body.variables.input as HoldCall;
      calls.push(input);
      if (fake.refuse)
        return reply(200, { data: null, errors: [{ message: fake.refuse.message, extensions: { code: fake.refuse.code } }] });
      const existing = holds.get(input.idempotencyKey);
      if (existing) return reply(200, { data: { holdPointsForOrder: existing } });
      const discountAmount = Math.min(input.points, Math.floor((input.orderAmount * fake.capPercent) / 100));
      const hold = {
        id: randomUUID(),
        points: discountAmount,
        discountAmount,
        expiresAt: new Date(Date.now() + 30 * 60_000).toISOString(),
      };
      holds.set(input.idempotencyKey, hold);
      reply(200, { data: { holdPointsForOrder: hold } });
    });
  });
  await new Promise<void>((resolve) => pointsServer.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(pointsServer.address() as AddressInfo).port}/graphql`;
  stack = await startTestStack({ now: () => clock, env: { POINTS_URL: url } });
});
afterAll(async () => {
  await stack?.stop();
  await new Promise((resolve) => pointsServer?.close(resolve));
});

const demo = (name: string) => stack.demo.find((m) => m.displayName === name)!;
const PLACE = `mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) { id status pointsUsed pointsDiscount { amount } amountDue { amount } lines { id } } }`;
const PAY = `mutation ($input: PayOrderInput!) { payOrder(input: $input) { payment { status method amount { amount } } order { status paid { amount } } } }`;
const REFUND = `mutation ($input: RequestRefundInput!) { requestRefund(input: $input) { status requested { amount } pointsRestored } }`;
const APPROVE = `mutation ($input: ApproveRefundInput!) { approveRefund(input: $input) { status approved { amount } pointsRestored } }`;
const CANCEL = `mutation ($id: ID!) { cancelOrder(id: $id) { status } }`;
const ORDER = `query ($id: ID!) { order(id: $id) { status pointsUsed pointsRestored refunded { amount } } }`;

const cart = (key: string, pointsToUse: number) => ({
  idempotencyKey: key,
  currency: 'CNY',
  lines: [
    { sku: 'TEA', title: 'Tea', quantity: 2, unitAmount: 12_800 },
    { sku: 'MUG', title: 'Mug', quantity: 1, unitAmount: 4_500 },
  ],
  discounts: [{ code: 'WELCOME', amount: 1_000 }],
  pointsToUse,
  shippingAddress: '1 Demo Road',
});
async function as<T = any>(name: string, query: string, variables: Record<string, unknown>) {
  tick();
  return stack.gql<T>(query, variables, { token: await stack.memberToken(demo(name).id) });
}
const events = async (type: string, orderId: string) =>
  (
    await stack.database.db
      .select()
      .from(eventLog)
      .where(and(eq(eventLog.type, type), sql`${eventLog.payload} ->> 'orderId' = ${orderId}`))
  ).map((e) => e.payload as Record<string, unknown>);

describe('paying part of an order with points', () => {
  let orderId: string;
  let mugLine: string;

  it('Dee spends 2,000 points: orders asks points for a hold, signed as orders, and she owes the rest; a replay reuses the hold', async () => {
    const res = await as('Dee', PLACE, { input: cart('dee-points-1', 2_000) });
    expect(res.body.errors).toBeUndefined();
    const order = res.body.data.placeOrder;
    expect(order).toMatchObject({ status: 'PLACED', pointsUsed: 2_000, pointsDiscount: { amount: 2_000 }, amountDue: { amount: 27_100 } });
    expect(calls.at(-1)).toEqual({
      memberId: demo('Dee').id,
      orderId: order.id,
      points: 2_000,
      orderAmount: 29_100,
      currency: 'CNY',
      idempotencyKey: `order:${order.id}`,
    });
    const callsBefore = calls.length;
    const again = await as('Dee', PLACE, { input: cart('dee-points-1', 2_000) });
    expect(again.body.data.placeOrder.id).toBe(order.id);
    expect(calls.length).toBe(callsBefore);
    orderId = order.id;
    mugLine = order.lines[1].id;
  });

  it('paying it tells points which hold to commit and how many points paid', async () => {
    const res = await as('Dee', PAY, {
      input: { orderId, method: 'ONLINE', paymentToken: 'tok_ok_4242', idempotencyKey: 'dee-points-1-pay' },
    });
    expect(res.body.data.payOrder).toMatchObject({
      payment: { status: 'SUCCEEDED', amount: { amount: 27_100 } },
      order: { status: 'PAID', paid: { amount: 27_100 } },
    });
    await stack.drainEvents();
    const hold = holds.get(`order:${orderId}`)!;
    expect(await events('OrderPaid', orderId)).toEqual([
      expect.objectContaining({
        amount: 27_100,
        method: 'online',
        pointsHoldId: hold.id,
        pointsUsed: 2_000,
        returnWindowEndsAt: expect.any(String),
      }),
    ]);
  });

  it('two partial refunds give back the refunded share of the 2,000 points, and all of them once the order is fully refunded', async () => {
    const mug = await as('Dee', REFUND, {
      input: { orderId, reason: 'DEFECT', lines: [{ lineId: mugLine, quantity: 1 }], idempotencyKey: 'dee-points-r1' },
    });
    // 4,500 of 30,100 in lines, of 27,100 paid: 4,051; its share of 2,000 points: 298.
    expect(mug.body.data.requestRefund).toMatchObject({ status: 'COMPLETED', requested: { amount: 4_051 }, pointsRestored: 298 });
    const rest = await as('Dee', REFUND, { input: { orderId, reason: 'OTHER', idempotencyKey: 'dee-points-r2' } });
    expect(rest.body.data.requestRefund).toMatchObject({ status: 'REQUESTED', requested: { amount: 23_049 } });
    const token = await stack.staffToken(['orders:refund', 'orders:read', 'pii:behaviour:read']);
    const list = await stack.gql(`{ refundRequests { id orderId } }`, {}, { token, headers: { 'x-access-purpose': 'refund-review' } });
    const refundId = list.body.data.refundRequests.find((r: { orderId: string }) => r.orderId === orderId).id;
    const approved = await stack.gql(APPROVE, { input: { refundId } }, { token, headers: { 'x-access-purpose': 'refund-review' } });
    expect(approved.body.data.approveRefund).toMatchObject({ status: 'COMPLETED', approved: { amount: 23_049 }, pointsRestored: 1_702 });
    expect((await as('Dee', ORDER, { id: orderId })).body.data.order).toEqual({
      status: 'REFUNDED',
      pointsUsed: 2_000,
      pointsRestored: 2_000,
      refunded: { amount: 27_100 },
    });
    await stack.drainEvents();
    const completed = await events('RefundCompleted', orderId);
    expect(completed.map((e) => [e.amount, e.orderAmount, e.pointsRestored])).toEqual([
      [4_051, 27_100, 298],
      [23_049, 27_100, 1_702],
    ]);
  });

  it('cancelling an unpaid order with points held names the hold, so points gives the points back', async () => {
    const order = (await as('Dee', PLACE, { input: cart('dee-points-2', 500) })).body.data.placeOrder;
    await as('Dee', CANCEL, { id: order.id });
    await stack.drainEvents();
    expect(await events('OrderCancelled', order.id)).toEqual([
      expect.objectContaining({ pointsHoldId: holds.get(`order:${order.id}`)!.id }),
    ]);
  });
});

describe('when points says no', () => {
  it("Dee without enough points is told so in points' words, and no order is placed", async () => {
    fake.refuse = { code: 'INSUFFICIENT_POINTS', message: 'You have 120 points; this needs 5000.' };
    try {
      const res = await as('Dee', PLACE, { input: cart('dee-points-broke', 5_000) });
      expect(res.body.errors?.[0]).toMatchObject({
        message: 'Points: You have 120 points; this needs 5000.',
        extensions: { code: 'CONFLICT', field: 'pointsToUse' },
      });
      fake.refuse = { code: 'FORBIDDEN', message: 'Your benefits are restricted until 2027-01-01.' };
      const banned = await as('Dee', PLACE, { input: cart('dee-points-banned', 100) });
      expect(banned.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    } finally {
      fake.refuse = null;
    }
    const rows = await stack.database.rows<{ n: number | string }>(
      sql`select count(*) as n from orders.orders where idempotency_key in ('dee-points-broke', 'dee-points-banned')`,
    );
    expect(Number(rows[0]!.n)).toBe(0);
  });

  it('with points down, checkout with points is a CONFLICT that says to try again or order without points; without points it works', async () => {
    fake.down = true;
    try {
      const res = await as('Dee', PLACE, { input: cart('dee-points-down', 100) });
      expect(res.body.errors?.[0]?.extensions?.code).toBe('CONFLICT');
      expect(res.body.errors?.[0]?.message).toMatch(/try again shortly, or order without points/i);
      const without = await as('Dee', PLACE, { input: cart('dee-points-down-2', 0) });
      expect(without.body.data.placeOrder.status).toBe('PLACED');
    } finally {
      fake.down = false;
    }
  });
});

describe('paying with points alone', () => {
  it('an order points cover entirely is paid with method POINTS (not online), OrderPaid says points, and a refund gives every point back', async () => {
    fake.capPercent = 100;
    try {
      const order = (await as('Chen', PLACE, { input: cart('chen-points-only', 50_000) })).body.data.placeOrder;
      expect(order).toMatchObject({ pointsUsed: 29_100, amountDue: { amount: 0 } });
      const online = await as('Chen', PAY, {
        input: { orderId: order.id, method: 'ONLINE', paymentToken: 'tok_ok_4242', idempotencyKey: 'chen-po-1' },
      });
      expect(online.body.errors?.[0]?.extensions?.code).toBe('CONFLICT');
      const paid = await as('Chen', PAY, { input: { orderId: order.id, method: 'POINTS', idempotencyKey: 'chen-po-2' } });
      expect(paid.body.data.payOrder).toMatchObject({
        payment: { status: 'SUCCEEDED', method: 'POINTS', amount: { amount: 0 } },
        order: { status: 'PAID', paid: { amount: 0 } },
      });
      const lines = await as('Chen', REFUND, {
        input: { orderId: order.id, reason: 'OTHER', lines: [{ lineId: order.lines[0].id, quantity: 1 }], idempotencyKey: 'chen-po-r0' },
      });
      expect(lines.body.errors?.[0]?.extensions?.field).toBe('lines');
      const refund = await as('Chen', REFUND, { input: { orderId: order.id, reason: 'OTHER', idempotencyKey: 'chen-po-r1' } });
      expect(refund.body.data.requestRefund).toMatchObject({ status: 'COMPLETED', requested: { amount: 0 }, pointsRestored: 29_100 });
      await stack.drainEvents();
      expect((await events('OrderPaid', order.id))[0]).toMatchObject({ amount: 0, method: 'points', pointsUsed: 29_100 });
      expect(await events('RefundCompleted', order.id)).toEqual([
        expect.objectContaining({ amount: 0, orderAmount: 0, pointsRestored: 29_100 }),
      ]);
    } finally {
      fake.capPercent = 50;
    }
  });
});

describe('redemption bursts', () => {
  it('Bo paying three orders partly with points within a day raises a REDEMPTION_SPIKE flag for staff, and is not stopped', async () => {
    for (const n of [1, 2, 3]) {
      const order = (await as('Bo', PLACE, { input: cart(`bo-burst-${n}`, 100) })).body.data.placeOrder;
      const paid = await as('Bo', PAY, {
        input: { orderId: order.id, method: 'ONLINE', paymentToken: 'tok_ok_5555', idempotencyKey: `bo-burst-${n}-pay` },
      });
      expect(paid.body.data.payOrder.order.status).toBe('PAID');
    }
    const flags = await stack.gql(
      `{ riskFlags(first: 50) { kind memberId reason } }`,
      {},
      { token: await stack.staffToken(['risk:review', 'pii:behaviour:read']), headers: { 'x-access-purpose': 'fraud' } },
    );
    expect(flags.body.data.riskFlags).toContainEqual({
      kind: 'REDEMPTION_SPIKE',
      memberId: demo('Bo').id,
      reason: '3 orders paid with points in the last 24 h (flagged from 3).',
    });
  });
});
