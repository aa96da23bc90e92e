import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '@membership/db';
import { relayOutbox } from '@membership/events';
import { startTestStack, type TestStack } from '@membership/testing';
import { outbox } from '../src/db/schema.js';

/**
 * Issue 15's "done when": a member pays part of an order with points, earns points at her
 * tier's multiplier, is upgraded, asks back two parts of the order at the same time, and
 * points, lots, tier and qualifying spend all add up afterwards, with the events reaching
 * points and tiers twice and out of order. Runs the real orders, points and tiers.
 */

let clock = new Date();
let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ now: () => clock });
});
afterAll(async () => {
  await stack?.stop();
});

const chen = () => stack.demo.find((m) => m.displayName === 'Chen')!;
const tick = () => (clock = new Date(clock.getTime() + 1000));
const FINANCE = { headers: { 'x-access-purpose': 'refund-review' } };
/** Chen has 410 points in the demo data; 400 of them are 4.00 off (100 points = 1.00). */
const POINTS_USED = 400;
const PAID = 400_000 - POINTS_USED;
/** Two teas of 20,000 in 400,000 of lines, of what she paid. */
const TEAS_BACK = Math.floor((40_000 * PAID) / 400_000);
/** The offset points those two teas give back. */
const RESTORED = Math.floor((POINTS_USED * TEAS_BACK) / PAID);

const ME = /* GraphQL */ `
  query {
    me {
      tier {
        code
        pointsMultiplier
      }
      tierStatus {
        evaluation {
          qualifyingSpend
        }
      }
      pointsBalance
      pendingPoints
    }
  }
`;
interface Me {
  tier: { code: string; pointsMultiplier: number };
  tierStatus: { evaluation: { qualifyingSpend: number } | null };
  pointsBalance: number;
  pendingPoints: number;
}
const PLACE = `mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) { id status pointsUsed amountDue { amount } lines { id sku } } }`;
const PAY = `mutation ($input: PayOrderInput!) { payOrder(input: $input) { order { status paid { amount } } } }`;
const REFUND = `mutation ($input: RequestRefundInput!) { requestRefund(input: $input) { id status requested { amount } } }`;
const APPROVE = `mutation ($input: ApproveRefundInput!) { approveRefund(input: $input) { id status approved { amount } pointsRestored } }`;
const ORDER = `query ($id: ID!) { order(id: $id) { status paid { amount } refunded { amount } pointsUsed pointsRestored refunds { status requested { amount } approved { amount } pointsRestored } } }`;

async function me(): Promise<Me> {
  const res = await stack.gql<{ me: Me }>(ME, {}, { token: await stack.memberToken(chen().id) });
  expect(res.body.errors).toBeUndefined();
  return res.body.data!.me;
}
const lotsOf = (memberId: string) =>
  stack.database.rows<{ id: string; remaining: number }>(
    sql`select id, remaining from points.lots where member_id = ${memberId} order by id`,
  );
const count = async (query: ReturnType<typeof sql>) => Number((await stack.database.rows<{ n: number | string }>(query))[0]?.n ?? 0);

/** Publishes orders' outbox to the log and the consumers' queues, without consuming anything. */
const relay = () => relayOutbox(stack.database.db, outbox, 'orders', { now: () => clock });
/** Holds back (or releases) points' and tiers' deliveries of events of `type` about `orderId`. */
async function hold(type: string, orderId: string, back: boolean) {
  const at = back ? new Date(clock.getTime() + 365 * 86_400_000) : clock;
  await stack.database.rows(sql`
    update events.deliveries d set available_at = ${at.toISOString()}::timestamptz
    from events.log l
    where l.event_id = d.event_id and d.consumer in ('points', 'tiers') and l.type = ${type} and l.payload ->> 'orderId' = ${orderId}`);
}
/** Delivers every event about `orderId` to points and tiers again, as a broker redelivering would. */
async function redeliver(orderId: string) {
  await stack.database.rows(sql`
    update events.deliveries d set delivered_at = null, available_at = ${clock.toISOString()}::timestamptz
    from events.log l
    where l.event_id = d.event_id and d.consumer in ('points', 'tiers') and l.payload ->> 'orderId' = ${orderId}`);
  await stack.drainEvents();
}

describe('a member through checkout, payment, upgrade and two refunds at once', () => {
  let before: Me;
  let lotsBefore: { id: string; remaining: number }[];
  let order: { id: string; lines: { id: string; sku: string }[] };
  let earned: number;
  let silverPercent: number;

  it('Chen (Silver) places an order of 4,000.00 paying 400 points of it; points holds them from her lots', async () => {
    await stack.drainEvents();
    before = await me();
    expect(before.tier.code).toBe('SILVER');
    expect(before.pointsBalance).toBeGreaterThanOrEqual(POINTS_USED);
    silverPercent = Math.round(before.tier.pointsMultiplier * 100);
    // The multiplier must be more than x1, or "earned at her tier's multiplier" would show nothing.
    expect(silverPercent).toBeGreaterThan(100);
    lotsBefore = await lotsOf(chen().id);
    tick();
    const res = await stack.gql(
      PLACE,
      {
        input: {
          idempotencyKey: 'chen-done-when',
          currency: 'CNY',
          lines: [
            { sku: 'TEA-GIFT-SET', title: 'Tea gift set', quantity: 1, unitAmount: 360_000 },
            { sku: 'TEA-LONGJING-250G', title: 'Longjing green tea, 250 g', quantity: 2, unitAmount: 20_000 },
          ],
          pointsToUse: POINTS_USED,
          shippingAddress: '3 Tea Hill Road, Hangzhou',
        },
      },
      { token: await stack.memberToken(chen().id) },
    );
    expect(res.body.errors).toBeUndefined();
    order = res.body.data.placeOrder;
    expect(order).toMatchObject({ status: 'PLACED', pointsUsed: POINTS_USED, amountDue: { amount: PAID } });
    expect((await me()).pointsBalance).toBe(before.pointsBalance - POINTS_USED);
  });

  it('she pays; points earns at her Silver multiplier (pending until the return window ends) and tiers upgrades her to Gold, delivered twice', async () => {
    tick();
    const paid = await stack.gql(
      PAY,
      { input: { orderId: order.id, method: 'ONLINE', paymentToken: 'tok_ok_8888', idempotencyKey: 'chen-done-pay' } },
      { token: await stack.memberToken(chen().id) },
    );
    expect(paid.body.data.payOrder.order).toEqual({ status: 'PAID', paid: { amount: PAID } });
    await stack.drainEvents();
    await redeliver(order.id);

    earned = Math.floor((PAID * silverPercent) / 10_000);
    const [earning] = await stack.database.rows<{ points: number; tier_percent: number; status: string }>(
      sql`select points, tier_percent, status from points.order_earnings where order_id = ${order.id}`,
    );
    expect(earning).toEqual({ points: earned, tier_percent: silverPercent, status: 'pending' });
    const after = await me();
    expect(after.pendingPoints).toBe(before.pendingPoints + earned);
    expect(after.tier.code).toBe('GOLD');
    expect(after.tierStatus.evaluation!.qualifyingSpend).toBe(before.tierStatus.evaluation!.qualifyingSpend + PAID);
    // The hold was committed once, however often OrderPaid came.
    expect(await count(sql`select count(*) as n from points.holds where order_id = ${order.id} and status = 'committed'`)).toBe(1);
  });

  it("she asks back each of her two teas at the same moment, and staff approve both at the same moment: the teas' share of what she paid comes back, and no more", async () => {
    const tea = order.lines.find((l) => l.sku === 'TEA-LONGJING-250G')!.id;
    const token = await stack.memberToken(chen().id);
    tick();
    const ask = () =>
      stack.gql(
        REFUND,
        { input: { orderId: order.id, reason: 'DEFECT', lines: [{ lineId: tea, quantity: 1 }], idempotencyKey: randomUUID() } },
        { token },
      );
    const asked = await Promise.all([ask(), ask()]);
    for (const r of asked) expect(r.body.errors).toBeUndefined();
    const accepted = asked.map((r) => r.body.data.requestRefund as { id: string; requested: { amount: number } });
    expect(accepted.reduce((sum, r) => sum + r.requested.amount, 0)).toBe(TEAS_BACK);
    // A third tea is one more than she bought.
    const third = await ask();
    expect(third.body.errors?.[0]).toMatchObject({
      extensions: { code: 'CONFLICT' },
      message: expect.stringMatching(/already asked back/),
    });

    const staff = await stack.staffToken(['orders:read', 'orders:refund', 'pii:behaviour:read']);
    const approved = await Promise.all(
      accepted.map((r) => stack.gql(APPROVE, { input: { refundId: r.id } }, { token: staff, ...FINANCE })),
    );
    for (const a of approved) expect(a.body.errors).toBeUndefined();
    const read = (await stack.gql(ORDER, { id: order.id }, { token })).body.data.order;
    expect(read).toMatchObject({
      status: 'PARTIALLY_REFUNDED',
      paid: { amount: PAID },
      refunded: { amount: TEAS_BACK },
      pointsUsed: POINTS_USED,
      pointsRestored: RESTORED,
    });
  });

  it('the refunds reach points and tiers out of order and twice; afterwards points, lots, tier and qualifying spend add up', async () => {
    await relay();
    const refundEvents = await stack.database.rows<{ refund_id: string }>(
      sql`select payload ->> 'refundId' as refund_id from events.log where type = 'RefundCompleted' and payload ->> 'orderId' = ${order.id} order by seq`,
    );
    expect(refundEvents).toHaveLength(2);
    // The first refund's event waits while the later one is consumed, then comes, then everything comes again.
    const first = refundEvents[0]!.refund_id;
    await stack.database.rows(sql`
      update events.deliveries d set available_at = ${new Date(clock.getTime() + 365 * 86_400_000).toISOString()}::timestamptz
      from events.log l where l.event_id = d.event_id and d.consumer in ('points', 'tiers') and l.payload ->> 'refundId' = ${first}`);
    await stack.drainEvents();
    await hold('RefundCompleted', order.id, false);
    await stack.drainEvents();
    await redeliver(order.id);

    const after = await me();
    const clawed = Math.floor((earned * TEAS_BACK) / PAID);
    // Points: 400 spent, their refunded share given back; of the pending points, the refunded share is cancelled.
    expect(after.pointsBalance).toBe(before.pointsBalance - POINTS_USED + RESTORED);
    expect(after.pendingPoints).toBe(before.pendingPoints + earned - clawed);
    const [earning] = await stack.database.rows<{ clawed: number; refunded: number }>(
      sql`select clawed, refunded from points.order_earnings where order_id = ${order.id}`,
    );
    expect(earning).toEqual({ clawed, refunded: TEAS_BACK });
    // Lots: the restored points went back to the lots the hold took them from, and nowhere else.
    const lotsAfter = await lotsOf(chen().id);
    const taken = await stack.database.rows<{ lot_id: string }>(
      sql`select distinct u.lot_id from points.lot_usages u join points.holds h on h.id = u.hold_id where h.order_id = ${order.id}`,
    );
    const heldFrom = new Set(taken.map((t) => t.lot_id));
    const was = new Map(lotsBefore.map((l) => [l.id, l.remaining]));
    for (const lot of lotsAfter) {
      if (!heldFrom.has(lot.id)) expect(lot.remaining).toBe(was.get(lot.id));
    }
    expect(lotsAfter.reduce((s, l) => s + l.remaining, 0)).toBe(lotsBefore.reduce((s, l) => s + l.remaining, 0) - POINTS_USED + RESTORED);
    // Tier and spend: the refunded money no longer qualifies; still Gold.
    expect(after.tierStatus.evaluation!.qualifyingSpend).toBe(before.tierStatus.evaluation!.qualifyingSpend + PAID - TEAS_BACK);
    expect(after.tier.code).toBe('GOLD');
    // Each event took effect once in each consumer.
    for (const consumer of ['points', 'tiers']) {
      expect(
        await count(
          sql.raw(
            `select count(*) as n from ${consumer}.inbox i join events.log l on l.event_id = i.event_id where l.payload ->> 'orderId' = '${order.id}' and l.type in ('OrderPaid', 'RefundCompleted')`,
          ),
        ),
      ).toBe(1 + refundEvents.length);
    }
  });
});
