import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { eventLog } from '@membership/events';
import { startTestStack, type TestStack } from '@membership/testing';
import { signCallback } from '../src/domain/payments.js';

// Near real time: the gateway checks tokens against the wall clock. Jobs get their own `now`.
let clock = new Date();
let stack: TestStack;
const WEBHOOK_SECRET = 'test-payment-webhook-secret-0123456789abcdef';

beforeAll(async () => {
  stack = await startTestStack({ now: () => clock, env: { PAYMENT_TIMEOUT_MS: '300', PAYMENT_WEBHOOK_SECRET: WEBHOOK_SECRET } });
});
afterAll(async () => {
  await stack?.stop();
});

const demo = (name: string) => stack.demo.find((m) => m.displayName === name)!;
const tick = () => (clock = new Date(clock.getTime() + 1000));

const ORDER_FIELDS = /* GraphQL */ `
  id memberId status shippingAddress placedAt paymentDeadlineAt paidAt returnWindowEndsAt cancelledAt
  total { amount currency } discount { amount } amountDue { amount } paid { amount } pointsUsed
  lines { id sku quantity unitPrice { amount } }
  payments { id method status amount { amount } last4 providerReference failureReason }
`;
const PLACE = `mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) { ${ORDER_FIELDS} } }`;
const PAY = `mutation ($input: PayOrderInput!) { payOrder(input: $input) { payment { id status method last4 providerReference failureReason amount { amount currency } } order { ${ORDER_FIELDS} } } }`;
const CANCEL = `mutation ($id: ID!) { cancelOrder(id: $id) { id status cancelledAt } }`;
const CALLBACK = `mutation ($input: PaymentCallbackInput!) { paymentCallback(input: $input) { paymentId status } }`;
const OFFLINE = `mutation ($input: RecordOfflinePaymentInput!) { recordOfflinePayment(input: $input) { payment { status method providerReference } order { id status paid { amount } } } }`;
const ORDER = `query ($id: ID!) { order(id: $id) { ${ORDER_FIELDS} } }`;

const cart = (key: string, overrides: Record<string, unknown> = {}) => ({
  idempotencyKey: key,
  currency: 'CNY',
  lines: [
    { sku: 'TEA-LONGJING-250G', title: 'Longjing green tea, 250 g', quantity: 2, unitAmount: 12_800 },
    { sku: 'MUG-CELADON', title: 'Celadon tea mug', quantity: 1, unitAmount: 4_500 },
  ],
  discounts: [{ code: 'WELCOME10', amount: 1_000 }],
  shippingAddress: '1 Demo Road, Hangzhou',
  ...overrides,
});

async function place(member: { id: string }, key: string, overrides: Record<string, unknown> = {}) {
  tick();
  return stack.gql(PLACE, { input: cart(key, overrides) }, { token: await stack.memberToken(member.id) });
}
async function pay(member: { id: string }, orderId: string, paymentToken: string, key: string) {
  tick();
  return stack.gql(
    PAY,
    { input: { orderId, method: 'ONLINE', paymentToken, idempotencyKey: key } },
    { token: await stack.memberToken(member.id) },
  );
}
const eventsOf = async (type: string, orderId: string) =>
  (
    await stack.database.db
      .select()
      .from(eventLog)
      .where(and(eq(eventLog.type, type), sql`${eventLog.payload} ->> 'orderId' = ${orderId}`))
  ).map((e) => e.payload as Record<string, unknown>);

describe('placing an order', () => {
  it('Dee (member) places an order: lines, a discount and her address; it waits for payment until its deadline', async () => {
    const res = await place(demo('Dee'), 'dee-cart-1');
    expect(res.body.errors).toBeUndefined();
    const order = res.body.data.placeOrder;
    expect(order).toMatchObject({
      memberId: demo('Dee').id,
      status: 'PLACED',
      shippingAddress: '1 Demo Road, Hangzhou',
      total: { amount: 30_100, currency: 'CNY' },
      discount: { amount: 1_000 },
      amountDue: { amount: 29_100 },
      paid: { amount: 0 },
      pointsUsed: 0,
      payments: [],
    });
    expect(Date.parse(order.paymentDeadlineAt) - Date.parse(order.placedAt)).toBe(30 * 60_000);
  });

  it('Dee sending the same checkout again gets the same order back, and only one order exists', async () => {
    const first = (await place(demo('Dee'), 'dee-cart-2')).body.data.placeOrder;
    const again = (await place(demo('Dee'), 'dee-cart-2')).body.data.placeOrder;
    expect(again.id).toBe(first.id);
    const rows = await stack.database.rows<{ n: number | string }>(
      sql`select count(*) as n from orders.orders where idempotency_key = 'dee-cart-2'`,
    );
    expect(Number(rows[0]!.n)).toBe(1);
  });

  it('Dee is told what is wrong with a cart: no lines, a fractional price, a discount larger than the lines, no address', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ lines: [] }, 'lines'],
      [{ lines: [{ sku: 'X', title: 'X', quantity: 1, unitAmount: 10.5 }] }, 'unitAmount'],
      [{ discounts: [{ code: 'BIG', amount: 40_000 }] }, 'discounts'],
      [{ shippingAddress: '  ' }, 'shippingAddress'],
    ];
    for (const [overrides, field] of cases) {
      const res = await place(demo('Dee'), `dee-bad-${field}`, overrides);
      expect(res.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(res.body.errors?.[0]?.extensions?.field ?? field).toBe(field);
    }
    const rows = await stack.database.rows<{ n: number | string }>(
      sql`select count(*) as n from orders.orders where idempotency_key like 'dee-bad-%'`,
    );
    expect(Number(rows[0]!.n)).toBe(0);
  });

  it('staff cannot place an order, and an anonymous caller is asked to sign in', async () => {
    const staff = await stack.gql(PLACE, { input: cart('staff-cart') }, { token: await stack.staffToken(['orders:write']) });
    expect(staff.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const anonymous = await stack.gql(PLACE, { input: cart('anon-cart') });
    expect(anonymous.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('paying an order', () => {
  it('Dee pays online: the order is PAID, only the reference and last four digits are kept, OrderPaid and her notice follow', async () => {
    const order = (await place(demo('Dee'), 'dee-pay-1')).body.data.placeOrder;
    const res = await pay(demo('Dee'), order.id, 'tok_ok_4242', 'dee-pay-1-a');
    expect(res.body.errors).toBeUndefined();
    const { payment, order: paid } = res.body.data.payOrder;
    expect(payment).toMatchObject({ status: 'SUCCEEDED', method: 'ONLINE', last4: '4242', amount: { amount: 29_100, currency: 'CNY' } });
    expect(payment.providerReference).toMatch(/^dev_/);
    expect(paid).toMatchObject({ status: 'PAID', paid: { amount: 29_100 } });
    expect(Date.parse(paid.returnWindowEndsAt) - Date.parse(paid.paidAt)).toBe(7 * 86_400_000);
    const stored = await stack.database.rows<Record<string, unknown>>(sql`select * from orders.payments where order_id = ${order.id}`);
    expect(JSON.stringify(stored)).not.toContain('tok_ok_4242');

    await stack.drainEvents();
    expect(await eventsOf('OrderPaid', order.id)).toEqual([
      {
        orderId: order.id,
        memberId: demo('Dee').id,
        amount: 29_100,
        currency: 'CNY',
        paidAt: paid.paidAt,
        method: 'online',
        pointsHoldId: null,
        pointsUsed: 0,
        returnWindowEndsAt: paid.returnWindowEndsAt,
        // Placed without a share code.
        shareCode: null,
      },
    ]);
    const inbox = await stack.gql(
      `{ me { inbox(first: 20) { edges { node { kind title body } } } } }`,
      {},
      { token: await stack.memberToken(demo('Dee').id) },
    );
    const notices = inbox.body.data.me.inbox.edges.map((e: { node: { title: string; body: string } }) => e.node);
    expect(notices).toContainEqual(
      expect.objectContaining({
        kind: 'ORDERS',
        title: `Payment received for order ${order.id.slice(0, 8).toUpperCase()}`,
        body: expect.stringContaining('291.00 CNY'),
      }),
    );
  });

  it('paying a paid order is a CONFLICT that says why; replaying the same key returns the first payment and charges nothing', async () => {
    const order = (await place(demo('Dee'), 'dee-pay-2')).body.data.placeOrder;
    const first = (await pay(demo('Dee'), order.id, 'tok_ok_1111', 'dee-pay-2-a')).body.data.payOrder;
    const replay = (await pay(demo('Dee'), order.id, 'tok_ok_1111', 'dee-pay-2-a')).body.data.payOrder;
    expect(replay.payment.id).toBe(first.payment.id);
    const again = await pay(demo('Dee'), order.id, 'tok_ok_1111', 'dee-pay-2-b');
    expect(again.body.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(again.body.errors?.[0]?.message).toMatch(/This order is paid, so it cannot be paid/);
    await stack.drainEvents();
    expect(await eventsOf('OrderPaid', order.id)).toHaveLength(1);
  });

  it('a declined card is a FAILED payment in the answer; the order stays PLACED and Dee can pay with another card', async () => {
    const order = (await place(demo('Dee'), 'dee-pay-3')).body.data.placeOrder;
    const declined = (await pay(demo('Dee'), order.id, 'tok_fail_insufficient_funds', 'dee-pay-3-a')).body.data.payOrder;
    expect(declined.payment).toMatchObject({ status: 'FAILED', failureReason: expect.stringContaining('declined') });
    expect(declined.order.status).toBe('PLACED');
    const ok = (await pay(demo('Dee'), order.id, 'tok_ok_9999', 'dee-pay-3-b')).body.data.payOrder;
    expect(ok.order.status).toBe('PAID');
    expect(ok.order.payments.map((p: { status: string }) => p.status)).toEqual(['FAILED', 'SUCCEEDED']);
  });

  it('a provider that does not answer leaves the payment PENDING; a forged callback is FORBIDDEN; the signed one pays the order, once', async () => {
    const order = (await place(demo('Dee'), 'dee-pay-4')).body.data.placeOrder;
    const pending = (await pay(demo('Dee'), order.id, 'tok_timeout', 'dee-pay-4-a')).body.data.payOrder;
    expect(pending.payment.status).toBe('PENDING');
    expect(pending.order.status).toBe('PLACED');
    const another = await pay(demo('Dee'), order.id, 'tok_ok_4242', 'dee-pay-4-b');
    expect(another.body.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(another.body.errors?.[0]?.message).toMatch(/still waiting for the payment provider/);

    const fields = {
      paymentId: pending.payment.id,
      providerReference: `dev_${pending.payment.id}`,
      outcome: 'SUCCEEDED' as const,
      last4: '4242',
    };
    const forged = await stack.gql(CALLBACK, {
      input: { ...fields, signature: signCallback(fields, 'not-the-secret-not-the-secret-0000') },
    });
    expect(forged.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const tampered = await stack.gql(CALLBACK, { input: { ...fields, last4: '0000', signature: signCallback(fields, WEBHOOK_SECRET) } });
    expect(tampered.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const signed = { ...fields, signature: signCallback(fields, WEBHOOK_SECRET) };
    const first = await stack.gql(CALLBACK, { input: signed });
    expect(first.body.data.paymentCallback).toEqual({ paymentId: pending.payment.id, status: 'SUCCEEDED' });
    const repeat = await stack.gql(CALLBACK, { input: signed });
    expect(repeat.body.data.paymentCallback).toEqual({ paymentId: pending.payment.id, status: 'SUCCEEDED' });
    const read = await stack.gql(ORDER, { id: order.id }, { token: await stack.memberToken(demo('Dee').id) });
    expect(read.body.data.order).toMatchObject({ status: 'PAID', payments: [{ status: 'SUCCEEDED', last4: '4242' }] });
    await stack.drainEvents();
    expect(await eventsOf('OrderPaid', order.id)).toHaveLength(1);
  });

  it("Ana (member) cannot pay or cancel Dee's order: it is NOT_FOUND to her", async () => {
    const order = (await place(demo('Dee'), 'dee-pay-5')).body.data.placeOrder;
    const paid = await pay(demo('Ana'), order.id, 'tok_ok_4242', 'ana-pays-dee');
    expect(paid.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const cancelled = await stack.gql(CANCEL, { id: order.id }, { token: await stack.memberToken(demo('Ana').id) });
    expect(cancelled.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('staff with orders:write record an offline payment; staff without it are refused', async () => {
    const order = (await place(demo('Chen'), 'chen-offline-1')).body.data.placeOrder;
    const input = { orderId: order.id, reference: 'RCPT-2026-001', idempotencyKey: 'offline-1' };
    const refused = await stack.gql(OFFLINE, { input }, { token: await stack.staffToken(['orders:read']) });
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const res = await stack.gql(
      OFFLINE,
      { input },
      {
        token: await stack.staffToken(['orders:write', 'pii:behaviour:read', 'pii:financial:read']),
        headers: { 'x-access-purpose': 'support' },
      },
    );
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.recordOfflinePayment).toMatchObject({
      payment: { status: 'SUCCEEDED', method: 'OFFLINE', providerReference: 'RCPT-2026-001' },
      order: { status: 'PAID', paid: { amount: 29_100 } },
    });
    await stack.drainEvents();
    expect((await eventsOf('OrderPaid', order.id)).map((e) => e.method)).toEqual(['offline']);
  });
});

describe('cancelling unpaid orders', () => {
  it('Dee cancels her unpaid order; OrderCancelled follows; cancelling a paid order is a CONFLICT', async () => {
    const order = (await place(demo('Dee'), 'dee-cancel-1')).body.data.placeOrder;
    const res = await stack.gql(CANCEL, { id: order.id }, { token: await stack.memberToken(demo('Dee').id) });
    expect(res.body.data.cancelOrder).toMatchObject({ id: order.id, status: 'CANCELLED' });
    await stack.drainEvents();
    expect(await eventsOf('OrderCancelled', order.id)).toEqual([
      { orderId: order.id, memberId: demo('Dee').id, pointsHoldId: null, cancelledAt: expect.any(String) },
    ]);
    const paying = await pay(demo('Dee'), order.id, 'tok_ok_4242', 'dee-cancel-1-pay');
    expect(paying.body.errors?.[0]?.extensions?.code).toBe('CONFLICT');

    const paid = (await place(demo('Dee'), 'dee-cancel-2')).body.data.placeOrder;
    await pay(demo('Dee'), paid.id, 'tok_ok_4242', 'dee-cancel-2-pay');
    const late = await stack.gql(CANCEL, { id: paid.id }, { token: await stack.memberToken(demo('Dee').id) });
    expect(late.body.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(late.body.errors?.[0]?.message).toMatch(/This order is paid, so it cannot be cancelled/);
  });

  it('the payment-deadline job cancels orders still unpaid after 30 minutes, in one pass, and leaves paid ones alone', async () => {
    const unpaid = (await place(demo('Bo'), 'bo-deadline-1')).body.data.placeOrder;
    const paid = (await place(demo('Bo'), 'bo-deadline-2')).body.data.placeOrder;
    await pay(demo('Bo'), paid.id, 'tok_ok_4242', 'bo-deadline-2-pay');
    const early = new Date(Date.parse(unpaid.paymentDeadlineAt) - 60_000);
    await stack.jobs.tick(early);
    const stillPlaced = await stack.gql(ORDER, { id: unpaid.id }, { token: await stack.memberToken(demo('Bo').id) });
    expect(stillPlaced.body.data.order.status).toBe('PLACED');

    await stack.jobs.tick(new Date(Date.parse(unpaid.paymentDeadlineAt) + 61_000));
    const [after, paidAfter] = await Promise.all(
      [unpaid.id, paid.id].map(
        async (id) => (await stack.gql(ORDER, { id }, { token: await stack.memberToken(demo('Bo').id) })).body.data.order,
      ),
    );
    expect(after.status).toBe('CANCELLED');
    expect(paidAfter.status).toBe('PAID');
    await stack.drainEvents();
    expect(await eventsOf('OrderCancelled', unpaid.id)).toHaveLength(1);
    expect(await eventsOf('OrderCancelled', paid.id)).toHaveLength(0);
  });
});

describe('at the same time', () => {
  it('Dee sends the same checkout five times at once: one order', async () => {
    const token = await stack.memberToken(demo('Dee').id);
    const results = await Promise.all(Array.from({ length: 5 }, () => stack.gql(PLACE, { input: cart('dee-burst-1') }, { token })));
    const ids = new Set(results.map((r) => r.body.data?.placeOrder?.id));
    expect(results.every((r) => !r.body.errors)).toBe(true);
    expect(ids.size).toBe(1);
    const rows = await stack.database.rows<{ n: number | string }>(
      sql`select count(*) as n from orders.orders where idempotency_key = 'dee-burst-1'`,
    );
    expect(Number(rows[0]!.n)).toBe(1);
  });

  it('Dee pays one order from two tabs at once with different keys: she is charged once', async () => {
    const order = (await place(demo('Dee'), 'dee-two-tabs')).body.data.placeOrder;
    const token = await stack.memberToken(demo('Dee').id);
    const both = await Promise.all(
      ['tab-a', 'tab-b'].map((key) =>
        stack.gql(PAY, { input: { orderId: order.id, method: 'ONLINE', paymentToken: 'tok_ok_4242', idempotencyKey: key } }, { token }),
      ),
    );
    const failed = both.filter((r) => r.body.errors);
    expect(failed.length).toBeLessThanOrEqual(1);
    for (const r of failed) expect(r.body.errors![0]!.extensions?.code).toBe('CONFLICT');
    const read = await stack.gql(ORDER, { id: order.id }, { token });
    expect(read.body.data.order.payments.filter((p: { status: string }) => p.status === 'SUCCEEDED')).toHaveLength(1);
    await stack.drainEvents();
    expect(await eventsOf('OrderPaid', order.id)).toHaveLength(1);
  });
});

describe('shipping and delivery', () => {
  const ADVANCE = `mutation ($input: AdvanceOrderInput!) { advanceOrder(input: $input) { id status } }`;
  it('staff with orders:write ship, deliver and complete a paid order, in that order only; a member cannot', async () => {
    const order = (await place(demo('Bo'), 'bo-ship-1')).body.data.placeOrder;
    // The order's status is behaviour: staff read it back with pii:behaviour:read and a purpose.
    const staff = { token: await stack.staffToken(['orders:write', 'pii:behaviour:read']), headers: { 'x-access-purpose': 'support' } };
    const early = await stack.gql(ADVANCE, { input: { orderId: order.id, step: 'SHIP' } }, staff);
    expect(early.body.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(early.body.errors?.[0]?.message).toMatch(/placed and not paid, so it cannot be shipped/);
    await pay(demo('Bo'), order.id, 'tok_ok_4242', 'bo-ship-1-pay');
    const member = await stack.gql(
      ADVANCE,
      { input: { orderId: order.id, step: 'SHIP' } },
      { token: await stack.memberToken(demo('Bo').id) },
    );
    expect(member.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const skip = await stack.gql(ADVANCE, { input: { orderId: order.id, step: 'DELIVER' } }, staff);
    expect(skip.body.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    for (const [step, status] of [
      ['SHIP', 'SHIPPED'],
      ['DELIVER', 'DELIVERED'],
      ['COMPLETE', 'COMPLETED'],
    ]) {
      const res = await stack.gql(ADVANCE, { input: { orderId: order.id, step } }, staff);
      expect(res.body.data.advanceOrder.status).toBe(status);
    }
  });

  it('the completion job completes a delivered order once its return window is over, and leaves one not yet delivered alone', async () => {
    const staff = { token: await stack.staffToken(['orders:write', 'pii:behaviour:read']), headers: { 'x-access-purpose': 'support' } };
    const bo = { token: await stack.memberToken(demo('Bo').id) };
    const delivered = (await place(demo('Bo'), 'bo-complete-1')).body.data.placeOrder;
    const shippedOnly = (await place(demo('Bo'), 'bo-complete-2')).body.data.placeOrder;
    await pay(demo('Bo'), delivered.id, 'tok_ok_4242', 'bo-complete-1-pay');
    await pay(demo('Bo'), shippedOnly.id, 'tok_ok_4242', 'bo-complete-2-pay');
    for (const step of ['SHIP', 'DELIVER'])
      expect((await stack.gql(ADVANCE, { input: { orderId: delivered.id, step } }, staff)).body.errors).toBeUndefined();
    expect((await stack.gql(ADVANCE, { input: { orderId: shippedOnly.id, step: 'SHIP' } }, staff)).body.errors).toBeUndefined();
    const windowEnds = Date.parse((await stack.gql(ORDER, { id: delivered.id }, bo)).body.data.order.returnWindowEndsAt);
    const status = async (id: string) => (await stack.gql(ORDER, { id }, bo)).body.data.order.status;

    await stack.jobs.tick(new Date(windowEnds - 60_000));
    expect(await status(delivered.id)).toBe('DELIVERED');
    await stack.jobs.tick(new Date(windowEnds + 3_600_000));
    expect(await status(delivered.id)).toBe('COMPLETED');
    expect(await status(shippedOnly.id)).toBe('SHIPPED');
  });
});
