import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { eventLog } from '@membership/events';
import { startTestStack, type TestStack } from '@membership/testing';

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
const REVIEWER = ['risk:review', 'pii:behaviour:read'];
const PURPOSE = { 'x-access-purpose': 'fraud' };

const PLACE = `mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) { id } }`;
const PAY = `mutation ($input: PayOrderInput!) { payOrder(input: $input) { order { status } } }`;
const REFUND = `mutation ($input: RequestRefundInput!) { requestRefund(input: $input) { id status } }`;
const FLAGS = `query ($status: RiskFlagStatus) { riskFlags(status: $status, first: 100) { id memberId kind reason orderId status decisionNote } }`;
const DECIDE = `mutation ($input: DecideRiskFlagInput!) { decideRiskFlag(input: $input) { id status decisionNote } }`;

async function buy(member: { id: string }, paymentToken = 'tok_ok_4242', deviceFingerprint?: string) {
  const token = await stack.memberToken(member.id);
  tick();
  const placed = await stack.gql(
    PLACE,
    {
      input: {
        idempotencyKey: randomUUID(),
        currency: 'CNY',
        lines: [{ sku: 'TEA', title: 'Tea', quantity: 1, unitAmount: 2_000 }],
        shippingAddress: 'x',
      },
    },
    { token },
  );
  const id = placed.body.data.placeOrder.id as string;
  tick();
  const paid = await stack.gql(
    PAY,
    { input: { orderId: id, method: 'ONLINE', paymentToken, deviceFingerprint, idempotencyKey: randomUUID() } },
    { token },
  );
  expect(paid.body.data.payOrder.order.status).toBe('PAID');
  return id;
}
async function flags(status = 'OPEN') {
  const res = await stack.gql(FLAGS, { status }, { token: await stack.staffToken(REVIEWER), headers: PURPOSE });
  expect(res.body.errors).toBeUndefined();
  return res.body.data.riskFlags as {
    id: string;
    memberId: string;
    kind: string;
    reason: string;
    orderId: string | null;
    status: string;
  }[];
}

describe('risk flags', () => {
  it('Ana asking back three whole orders right after paying raises a refund-spike flag and brushing flags, and is refunded all the same', async () => {
    const token = await stack.memberToken(demo('Ana').id);
    const orders = [await buy(demo('Ana')), await buy(demo('Ana')), await buy(demo('Ana'))];
    for (const orderId of orders) {
      tick();
      const res = await stack.gql(REFUND, { input: { orderId, reason: 'OTHER', idempotencyKey: randomUUID() } }, { token });
      // A flag never blocks: each small refund is still approved at once.
      expect(res.body.data.requestRefund.status).toBe('COMPLETED');
    }
    const open = (await flags()).filter((f) => f.memberId === demo('Ana').id);
    expect(open.filter((f) => f.kind === 'REFUND_SPIKE')).toEqual([
      expect.objectContaining({ reason: '3 refund requests in the last 24 h (flagged from 3).', orderId: null }),
    ]);
    expect(
      open
        .filter((f) => f.kind === 'BRUSHING')
        .map((f) => f.orderId)
        .sort(),
    ).toEqual([...orders].sort());
  });

  it('three accounts paying with one card, or from one device, raise a flag on the third', async () => {
    await buy(demo('Bo'), 'tok_ok_7777', 'device-shared-1');
    await buy(demo('Chen'), 'tok_ok_7777', 'device-shared-1');
    expect((await flags()).filter((f) => f.kind === 'SHARED_INSTRUMENT' || f.kind === 'SHARED_DEVICE')).toEqual([]);
    await buy(demo('Dee'), 'tok_ok_7777', 'device-shared-1');
    const shared = (await flags()).filter((f) => f.kind === 'SHARED_INSTRUMENT' || f.kind === 'SHARED_DEVICE');
    expect(shared.map((f) => [f.kind, f.memberId])).toEqual(
      expect.arrayContaining([
        ['SHARED_INSTRUMENT', demo('Dee').id],
        ['SHARED_DEVICE', demo('Dee').id],
      ]),
    );
    expect(shared.find((f) => f.kind === 'SHARED_INSTRUMENT')!.reason).toBe('3 accounts have paid with this card (flagged from 3).');
  });

  it('only staff with risk:review read and decide flags; dismissing is recorded, opening a case asks moderation, deciding twice is a CONFLICT', async () => {
    const refused = await stack.gql(
      FLAGS,
      { status: 'OPEN' },
      { token: await stack.staffToken(['orders:read', 'pii:behaviour:read']), headers: PURPOSE },
    );
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const open = await flags();
    const [spike, brushing] = [open.find((f) => f.kind === 'REFUND_SPIKE')!, open.find((f) => f.kind === 'BRUSHING')!];
    const token = await stack.staffToken(REVIEWER);
    const noNote = await stack.gql(DECIDE, { input: { flagId: brushing.id, decision: 'DISMISS', note: '' } }, { token, headers: PURPOSE });
    expect(noNote.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const dismissed = await stack.gql(
      DECIDE,
      { input: { flagId: brushing.id, decision: 'DISMISS', note: 'Gift orders returned unopened' } },
      { token, headers: PURPOSE },
    );
    expect(dismissed.body.data.decideRiskFlag).toMatchObject({ status: 'DISMISSED', decisionNote: 'Gift orders returned unopened' });
    const escalated = await stack.gql(
      DECIDE,
      { input: { flagId: spike.id, decision: 'OPEN_MODERATION_CASE', note: 'Pattern over several weeks' } },
      { token, headers: PURPOSE },
    );
    expect(escalated.body.data.decideRiskFlag.status).toBe('ESCALATED');
    const twice = await stack.gql(DECIDE, { input: { flagId: spike.id, decision: 'DISMISS', note: 'again' } }, { token, headers: PURPOSE });
    expect(twice.body.errors?.[0]?.extensions?.code).toBe('CONFLICT');

    await stack.drainEvents();
    const cases = await stack.database.db.select().from(eventLog).where(eq(eventLog.type, 'ModerationCaseRequested'));
    expect(cases.map((e) => e.payload)).toEqual([
      expect.objectContaining({
        requestId: spike.id,
        memberId: demo('Ana').id,
        source: 'orders.risk',
        kind: 'REFUND_SPIKE',
        orderId: null,
      }),
    ]);
    expect((await flags('ESCALATED')).map((f) => f.id)).toEqual([spike.id]);
  });
});
