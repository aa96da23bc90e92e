import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { deliveries, eventLog, type EventInput, type EventType } from '@membership/events';
import { startTestStack, type TestStack } from '@membership/testing';

// Near real time: the gateway checks tokens against the wall clock.
let clock = new Date();
let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack({ now: () => clock });
});
afterAll(async () => {
  await stack?.stop();
});

const demo = (name: string) => stack.demo.find((m) => m.displayName === name)!;
const tick = () => (clock = new Date(clock.getTime() + 1000));
const FINANCE = ['orders:read', 'orders:refund', 'pii:behaviour:read', 'pii:financial:read'];
const PURPOSE = { 'x-access-purpose': 'refund-review' };

const REFUND_FIELDS = `id orderId memberId status reason note evidence lines { lineId quantity } requested { amount currency } approved { amount } pointsRestored decisionReason autoApproved requestedAt decidedAt completedAt`;
const PLACE = `mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) { id lines { id } } }`;
const PAY = `mutation ($input: PayOrderInput!) { payOrder(input: $input) { order { id status paid { amount } } } }`;
const REQUEST = `mutation ($input: RequestRefundInput!) { requestRefund(input: $input) { ${REFUND_FIELDS} } }`;
const APPROVE = `mutation ($input: ApproveRefundInput!) { approveRefund(input: $input) { ${REFUND_FIELDS} } }`;
const REJECT = `mutation ($input: RejectRefundInput!) { rejectRefund(input: $input) { ${REFUND_FIELDS} } }`;
const ORDER = `query ($id: ID!) { order(id: $id) { id status paid { amount } refunded { amount } refunds { ${REFUND_FIELDS} } payments { status } } }`;
const QUEUE = `{ refundRequests(first: 50) { id status requested { amount } } }`;

/** A paid order for `member`: two lines (`a` x2 and `b` x1), no discount, paid online. */
async function paidOrder(
  member: { id: string },
  a = 10_000,
  b = 4_000,
): Promise<{ id: string; lineA: string; lineB: string; paid: number }> {
  const key = randomUUID();
  tick();
  const placed = await stack.gql(
    PLACE,
    {
      input: {
        idempotencyKey: key,
        currency: 'CNY',
        lines: [
          { sku: 'TEA', title: 'Tea', quantity: 2, unitAmount: a },
          { sku: 'MUG', title: 'Mug', quantity: 1, unitAmount: b },
        ],
        shippingAddress: '1 Demo Road',
      },
    },
    { token: await stack.memberToken(member.id) },
  );
  expect(placed.body.errors).toBeUndefined();
  const order = placed.body.data.placeOrder;
  tick();
  const paid = await stack.gql(
    PAY,
    { input: { orderId: order.id, method: 'ONLINE', paymentToken: 'tok_ok_4242', idempotencyKey: `${key}-pay` } },
    { token: await stack.memberToken(member.id) },
  );
  expect(paid.body.data.payOrder.order.status).toBe('PAID');
  return { id: order.id, lineA: order.lines[0].id, lineB: order.lines[1].id, paid: 2 * a + b };
}

async function request(member: { id: string }, input: Record<string, unknown>) {
  tick();
  return stack.gql(
    REQUEST,
    { input: { reason: 'DEFECT', idempotencyKey: randomUUID(), ...input } },
    { token: await stack.memberToken(member.id) },
  );
}
async function readOrder(member: { id: string }, id: string) {
  return (await stack.gql(ORDER, { id }, { token: await stack.memberToken(member.id) })).body.data.order;
}
const refundEvents = async (orderId: string) =>
  (
    await stack.database.db
      .select()
      .from(eventLog)
      .where(and(eq(eventLog.type, 'RefundCompleted'), sql`${eventLog.payload} ->> 'orderId' = ${orderId}`))
  ).map((e) => e.payload as Record<string, unknown>);

async function publish<T extends EventType>(type: T, payload: EventInput[T]): Promise<void> {
  const eventId = randomUUID();
  await stack.database.db.insert(eventLog).values({ eventId, type, producer: 'test', payload, occurredAt: clock, publishedAt: clock });
  await stack.database.db.insert(deliveries).values({ consumer: 'orders', eventId, availableAt: clock });
  await stack.drainEvents();
}

describe('a member asking for a refund', () => {
  it('Dee asks back the mug with a defect and a photo: small enough, she is in good standing, so it is approved and paid back at once', async () => {
    const order = await paidOrder(demo('Dee'));
    const res = await request(demo('Dee'), {
      orderId: order.id,
      lines: [{ lineId: order.lineB, quantity: 1 }],
      note: 'Cracked on arrival',
      evidence: ['upload:photo-1'],
    });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.requestRefund).toMatchObject({
      status: 'COMPLETED',
      reason: 'DEFECT',
      note: 'Cracked on arrival',
      evidence: ['upload:photo-1'],
      lines: [{ lineId: order.lineB, quantity: 1 }],
      requested: { amount: 4_000, currency: 'CNY' },
      approved: { amount: 4_000 },
      autoApproved: true,
      pointsRestored: 0,
    });
    expect(await readOrder(demo('Dee'), order.id)).toMatchObject({ status: 'PARTIALLY_REFUNDED', refunded: { amount: 4_000 } });
    await stack.drainEvents();
    expect(await refundEvents(order.id)).toEqual([
      {
        refundId: res.body.data.requestRefund.id,
        orderId: order.id,
        memberId: demo('Dee').id,
        amount: 4_000,
        currency: 'CNY',
        orderAmount: 24_000,
        pointsRestored: 0,
        completedAt: expect.any(String),
      },
    ]);
    const inbox = await stack.gql(
      `{ me { inbox(first: 30) { edges { node { title } } } } }`,
      {},
      { token: await stack.memberToken(demo('Dee').id) },
    );
    const titles = inbox.body.data.me.inbox.edges.map((e: { node: { title: string } }) => e.node.title);
    const number = order.id.slice(0, 8).toUpperCase();
    expect(titles).toEqual(
      expect.arrayContaining([
        `We received your refund request for order ${number}`,
        `Your refund for order ${number} is approved`,
        `Refund for order ${number} sent`,
      ]),
    );
  });

  it('a larger request waits for staff; staff with orders:refund grant part of it with a reason; the member sees each step', async () => {
    const order = await paidOrder(demo('Dee'));
    const asked = (await request(demo('Dee'), { orderId: order.id, reason: 'NOT_AS_DESCRIBED' })).body.data.requestRefund;
    expect(asked).toMatchObject({ status: 'REQUESTED', requested: { amount: 24_000 }, approved: null, autoApproved: false });
    expect((await readOrder(demo('Dee'), order.id)).status).toBe('REFUND_REQUESTED');

    const queue = await stack.gql(QUEUE, {}, { token: await stack.staffToken(FINANCE), headers: PURPOSE });
    expect(queue.body.data.refundRequests.map((r: { id: string }) => r.id)).toContain(asked.id);
    const support = await stack.gql(
      APPROVE,
      { input: { refundId: asked.id } },
      { token: await stack.staffToken(['orders:read', 'pii:behaviour:read']), headers: PURPOSE },
    );
    expect(support.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const tooMuch = await stack.gql(
      APPROVE,
      { input: { refundId: asked.id, amount: 24_001 } },
      { token: await stack.staffToken(FINANCE), headers: PURPOSE },
    );
    expect(tooMuch.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');

    tick();
    const partly = await stack.gql(
      APPROVE,
      { input: { refundId: asked.id, amount: 20_000, reason: 'Used once' } },
      { token: await stack.staffToken(FINANCE), headers: PURPOSE },
    );
    expect(partly.body.errors).toBeUndefined();
    expect(partly.body.data.approveRefund).toMatchObject({
      status: 'COMPLETED',
      approved: { amount: 20_000 },
      decisionReason: 'Used once',
      autoApproved: false,
    });
    const after = await readOrder(demo('Dee'), order.id);
    expect(after).toMatchObject({ status: 'PARTIALLY_REFUNDED', refunded: { amount: 20_000 } });
    expect(after.refunds).toHaveLength(1);
    // Approving again changes nothing.
    const again = await stack.gql(APPROVE, { input: { refundId: asked.id } }, { token: await stack.staffToken(FINANCE), headers: PURPOSE });
    expect(again.body.data.approveRefund.approved.amount).toBe(20_000);
    expect((await readOrder(demo('Dee'), order.id)).refunded.amount).toBe(20_000);

    // What is left (4,000) is all a whole-order request can ask; it is small, so it goes through.
    const rest = (await request(demo('Dee'), { orderId: order.id })).body.data.requestRefund;
    expect(rest).toMatchObject({ status: 'COMPLETED', requested: { amount: 4_000 } });
    expect(await readOrder(demo('Dee'), order.id)).toMatchObject({ status: 'REFUNDED', refunded: { amount: 24_000 } });
    const more = await request(demo('Dee'), { orderId: order.id });
    expect(more.body.errors?.[0]?.extensions?.code).toBe('CONFLICT');
  });

  it('staff reject a request with a reason; the order goes back to where it was, and the member is told why', async () => {
    const order = await paidOrder(demo('Chen'));
    const asked = (await request(demo('Chen'), { orderId: order.id, reason: 'OTHER' })).body.data.requestRefund;
    const noReason = await stack.gql(
      REJECT,
      { input: { refundId: asked.id, reason: ' ' } },
      { token: await stack.staffToken(FINANCE), headers: PURPOSE },
    );
    expect(noReason.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const rejected = await stack.gql(
      REJECT,
      { input: { refundId: asked.id, reason: 'Outside our returns policy for opened tea' } },
      { token: await stack.staffToken(FINANCE), headers: PURPOSE },
    );
    expect(rejected.body.data.rejectRefund).toMatchObject({
      status: 'REJECTED',
      decisionReason: 'Outside our returns policy for opened tea',
    });
    expect(await readOrder(demo('Chen'), order.id)).toMatchObject({ status: 'PAID', refunded: { amount: 0 } });
    const approveLate = await stack.gql(
      APPROVE,
      { input: { refundId: asked.id } },
      { token: await stack.staffToken(FINANCE), headers: PURPOSE },
    );
    expect(approveLate.body.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    await stack.drainEvents();
    const inbox = await stack.gql(
      `{ me { inbox(first: 30) { edges { node { title body } } } } }`,
      {},
      { token: await stack.memberToken(demo('Chen').id) },
    );
    expect(inbox.body.data.me.inbox.edges.map((e: { node: unknown }) => e.node)).toContainEqual({
      title: `Your refund request for order ${order.id.slice(0, 8).toUpperCase()} was not approved`,
      body: 'Reason: Outside our returns policy for opened tea',
    });
  });

  it('Bo, under a sanction, is not approved automatically even for a small refund; once it is lifted he is', async () => {
    const sanctionId = randomUUID();
    await publish('SanctionApplied', { sanctionId, memberId: demo('Bo').id, kind: 'RESTRICTED_BENEFITS' });
    await publish('SanctionApplied', { sanctionId, memberId: demo('Bo').id, kind: 'RESTRICTED_BENEFITS' });
    const order = await paidOrder(demo('Bo'));
    const small = (await request(demo('Bo'), { orderId: order.id, lines: [{ lineId: order.lineB, quantity: 1 }] })).body.data.requestRefund;
    expect(small).toMatchObject({ status: 'REQUESTED', requested: { amount: 4_000 } });

    // Lifted, and the lift delivered again and a stale apply after it: Bo stays in good standing.
    await publish('SanctionLifted', { sanctionId, memberId: demo('Bo').id, kind: 'RESTRICTED_BENEFITS', reason: 'appeal' });
    await publish('SanctionLifted', { sanctionId, memberId: demo('Bo').id, kind: 'RESTRICTED_BENEFITS', reason: 'appeal' });
    await publish('SanctionApplied', { sanctionId, memberId: demo('Bo').id, kind: 'RESTRICTED_BENEFITS' });
    const other = await paidOrder(demo('Bo'));
    const auto = (await request(demo('Bo'), { orderId: other.id, lines: [{ lineId: other.lineB, quantity: 1 }] })).body.data.requestRefund;
    expect(auto).toMatchObject({ status: 'COMPLETED', autoApproved: true });
  });

  it("requests are checked: a line the order does not have, too many units, too much evidence, a cancelled order, and Ana asking on Dee's order", async () => {
    const order = await paidOrder(demo('Dee'));
    const cases: [Record<string, unknown>, string][] = [
      [{ lines: [{ lineId: randomUUID(), quantity: 1 }] }, 'BAD_USER_INPUT'],
      [{ lines: [{ lineId: order.lineA, quantity: 3 }] }, 'BAD_USER_INPUT'],
      [{ evidence: Array.from({ length: 11 }, (_, i) => `upload:${i}`) }, 'BAD_USER_INPUT'],
    ];
    for (const [input, code] of cases) {
      const res = await request(demo('Dee'), { orderId: order.id, ...input });
      expect(res.body.errors?.[0]?.extensions?.code).toBe(code);
    }
    const ana = await request(demo('Ana'), { orderId: order.id });
    expect(ana.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect((await readOrder(demo('Dee'), order.id)).refunds).toEqual([]);
  });

  it('a request after the return window is a CONFLICT naming the day it ended', async () => {
    const order = await paidOrder(demo('Chen'));
    const saved = clock;
    clock = new Date(clock.getTime() + 8 * 86_400_000);
    try {
      const late = await request(demo('Chen'), { orderId: order.id });
      expect(late.body.errors?.[0]?.extensions?.code).toBe('CONFLICT');
      expect(late.body.errors?.[0]?.message).toMatch(/return window of this order ended on \d{4}-\d{2}-\d{2}/);
    } finally {
      clock = saved;
    }
  });

  it('the same request sent twice (same key) is one request', async () => {
    const order = await paidOrder(demo('Ana'));
    const input = { orderId: order.id, reason: 'OTHER', idempotencyKey: 'ana-same-key' };
    const [a, b] = [await request(demo('Ana'), input), await request(demo('Ana'), input)];
    expect(a.body.data.requestRefund.id).toBe(b.body.data.requestRefund.id);
    expect((await readOrder(demo('Ana'), order.id)).refunds).toHaveLength(1);
  });
});

describe('refunds at the same time', () => {
  it('Ana sends six refund requests for one order at once (lines and whole): what comes back never exceeds what she paid', async () => {
    const order = await paidOrder(demo('Ana'), 2_000, 3_000); // paid 7,000: every request is small enough to be approved at once
    const shapes = [
      { lines: [{ lineId: order.lineA, quantity: 2 }] },
      { lines: [{ lineId: order.lineB, quantity: 1 }] },
      {},
      { lines: [{ lineId: order.lineA, quantity: 1 }] },
      {},
      { lines: [{ lineId: order.lineB, quantity: 1 }] },
    ];
    const results = await Promise.all(shapes.map((shape) => request(demo('Ana'), { orderId: order.id, ...shape })));
    for (const r of results) {
      if (r.body.errors) expect(r.body.errors[0]?.extensions?.code).toBe('CONFLICT');
    }
    const after = await readOrder(demo('Ana'), order.id);
    const completed = after.refunds.filter((r: { status: string }) => r.status === 'COMPLETED');
    const back = completed.reduce((sum: number, r: { approved: { amount: number } }) => sum + r.approved.amount, 0);
    expect(back).toBeLessThanOrEqual(7_000);
    // Not even asked: requests still open or approved never hold more than was paid either.
    const held = after.refunds
      .filter((r: { status: string }) => r.status !== 'REJECTED')
      .reduce(
        (sum: number, r: { approved: { amount: number } | null; requested: { amount: number } }) =>
          sum + (r.approved?.amount ?? r.requested.amount),
        0,
      );
    expect(held).toBeLessThanOrEqual(7_000);
    expect(after.refunded.amount).toBe(back);
    expect(completed.length).toBeGreaterThan(0);
    await stack.drainEvents();
    const events = await refundEvents(order.id);
    expect(events.reduce((sum, e) => sum + (e.amount as number), 0)).toBe(back);
  });

  it('Bo asks back the same mug from two tabs at once: it is refunded once, the other request is told the mug is already asked back', async () => {
    const order = await paidOrder(demo('Bo'), 1_000, 3_000);
    const both = await Promise.all(
      [0, 1].map(() => request(demo('Bo'), { orderId: order.id, lines: [{ lineId: order.lineB, quantity: 1 }] })),
    );
    const refused = both.filter((r) => r.body.errors);
    expect(refused).toHaveLength(1);
    expect(refused[0]!.body.errors![0]).toMatchObject({
      extensions: { code: 'CONFLICT' },
      message: expect.stringMatching(/already asked back/),
    });
    expect(await readOrder(demo('Bo'), order.id)).toMatchObject({ refunded: { amount: 3_000 } });
  });

  it('two staff approve the same request at the same moment: the money goes back once', async () => {
    const order = await paidOrder(demo('Chen'));
    const asked = (await request(demo('Chen'), { orderId: order.id })).body.data.requestRefund;
    const token = await stack.staffToken(FINANCE);
    const both = await Promise.all([0, 1].map(() => stack.gql(APPROVE, { input: { refundId: asked.id } }, { token, headers: PURPOSE })));
    for (const r of both) if (r.body.errors) expect(r.body.errors[0]?.extensions?.code).toBe('CONFLICT');
    expect(await readOrder(demo('Chen'), order.id)).toMatchObject({ status: 'REFUNDED', refunded: { amount: 24_000 } });
    await stack.drainEvents();
    expect(await refundEvents(order.id)).toHaveLength(1);
  });
});
