import { describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { useTestStack } from '@membership/testing/per-file';
import { callSubgraph, type TestStack } from '@membership/testing';
import { holds, ledger, lots, orderEarnings, orderRefunds, outbox, staffOperations } from '../src/db/schema.js';
import { HOLD, holdAsOrders, publishToPoints } from './helpers.js';

const DAY = 86_400_000;
let clock = new Date('2026-12-01T10:00:00.000Z');
let stack: TestStack;
useTestStack({
  now: () => clock,
  beforeEachTest: () => {
    clock = new Date(clock.getTime() + 1000);
  },
  started: (s) => (stack = s),
});

const demo = (name: string) => stack.demo.find((m) => m.displayName === name)!.id;
const STAFF_ADJUST = ['points:adjust', 'points:read', 'members:read', 'pii:behaviour:read'];
const SUPPORT = { 'x-access-purpose': 'support' };

const MY_POINTS = /* GraphQL */ `
  query {
    me {
      pointsBalance
      pendingPoints
      pointsDebt
    }
  }
`;
const ADJUST = /* GraphQL */ `
  mutation Adjust($input: AdjustPointsInput!) {
    adjustPoints(input: $input) {
      id
      delta
      kind
      reason
      note
    }
  }
`;

async function myPoints(memberId: string) {
  const { body } = await stack.gql(MY_POINTS, {}, { token: await stack.memberToken(memberId) });
  expect(body.errors).toBeUndefined();
  return body.data.me as { pointsBalance: number; pendingPoints: number; pointsDebt: number };
}

async function adjust(memberId: string, points: number, key = randomUUID()) {
  const token = await stack.staffToken(STAFF_ADJUST);
  return stack.gql(
    ADJUST,
    { input: { memberId, points, reason: 'Goodwill after a late delivery', idempotencyKey: key } },
    { token, headers: SUPPORT },
  );
}

/** The member's lots: expiry day -> points left, for those with points or used by `holdId`. */
async function lotsOf(memberId: string) {
  const rows = await stack.database.db.select().from(lots).where(eq(lots.memberId, memberId));
  return rows.map((l) => ({ id: l.id, points: l.points, remaining: l.remaining, expiresAt: l.expiresAt.toISOString() }));
}

describe('staff adjust a balance', () => {
  it('staff with points:adjust add 1000 points to Dee with a reason; it is in the ledger and the staff operation log, once per key', async () => {
    const dee = demo('Dee');
    const before = (await myPoints(dee)).pointsBalance;
    const key = randomUUID();
    const { body } = await adjust(dee, 1000, key);
    expect(body.errors).toBeUndefined();
    expect(body.data.adjustPoints).toMatchObject({
      delta: 1000,
      kind: 'ADJUST',
      reason: 'ADJUSTMENT',
      note: 'Goodwill after a late delivery',
    });
    expect((await adjust(dee, 1000, key)).body.data.adjustPoints.id).toBe(body.data.adjustPoints.id);
    expect((await myPoints(dee)).pointsBalance).toBe(before + 1000);
    const logged = await stack.database.db.select().from(staffOperations).where(eq(staffOperations.targetId, dee));
    expect(logged).toEqual([
      expect.objectContaining({
        operation: 'points.adjust',
        reason: 'Goodwill after a late delivery',
        staffId: '00000000-0000-4000-8000-00000000057a',
      }),
    ]);

    // An auditor reads it through the gateway; staff without audit:read cannot.
    const LOG = 'query { pointsStaffOperations(first: 5) { operation targetId reason staffId } }';
    const audit = await stack.gql(LOG, {}, { token: await stack.staffToken(['audit:read']) });
    expect(audit.body.errors).toBeUndefined();
    expect(audit.body.data.pointsStaffOperations).toContainEqual({
      operation: 'points.adjust',
      targetId: dee,
      reason: 'Goodwill after a late delivery',
      staffId: '00000000-0000-4000-8000-00000000057a',
    });
    const denied = await stack.gql(LOG, {}, { token: await stack.staffToken(['points:adjust']) });
    expect(denied.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('staff without points:adjust are refused (FORBIDDEN); a blank reason is BAD_USER_INPUT; taking more than the balance is INSUFFICIENT_POINTS', async () => {
    const dee = demo('Dee');
    const token = await stack.staffToken(['points:read']);
    const refused = await stack.gql(
      ADJUST,
      { input: { memberId: dee, points: 5, reason: 'Because I can', idempotencyKey: randomUUID() } },
      { token },
    );
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const blank = await stack.gql(
      ADJUST,
      { input: { memberId: dee, points: 5, reason: '  ', idempotencyKey: randomUUID() } },
      { token: await stack.staffToken(STAFF_ADJUST), headers: SUPPORT },
    );
    expect(blank.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'reason' });
    const tooMuch = await adjust(dee, -1_000_000);
    expect(tooMuch.body.errors?.[0]?.extensions?.code).toBe('INSUFFICIENT_POINTS');
  });
});

describe('orders holds points for an order (signed as orders)', () => {
  it('a hold takes the points at once from the lots nearest expiry, returns the discount, and a replay returns the same hold', async () => {
    const dee = demo('Dee');
    const before = (await myPoints(dee)).pointsBalance;
    const input = { memberId: dee, orderId: randomUUID(), points: 500, orderAmount: 20_000, currency: 'CNY', idempotencyKey: randomUUID() };
    const first = await holdAsOrders(stack, input);
    expect(first.body.errors).toBeUndefined();
    expect(first.body.data.holdPointsForOrder).toMatchObject({ points: 500, discountAmount: 500 });
    expect(new Date(first.body.data.holdPointsForOrder.expiresAt).getTime()).toBe(clock.getTime() + 30 * 60_000);
    const again = await holdAsOrders(stack, input);
    expect(again.body.data.holdPointsForOrder.id).toBe(first.body.data.holdPointsForOrder.id);
    expect((await myPoints(dee)).pointsBalance).toBe(before - 500);

    // The member walks away; orders cancels the order (twice delivered, released once).
    const cancelled = {
      orderId: input.orderId,
      memberId: dee,
      pointsHoldId: first.body.data.holdPointsForOrder.id,
      cancelledAt: clock.toISOString(),
    };
    await publishToPoints(stack, 'OrderCancelled', cancelled, clock);
    await publishToPoints(stack, 'OrderCancelled', cancelled, clock);
    await stack.drainEvents();
    expect((await myPoints(dee)).pointsBalance).toBe(before);
  });

  it('points over the offset cap are BAD_USER_INPUT; more than the balance is INSUFFICIENT_POINTS; nothing is held', async () => {
    const chen = demo('Chen');
    const before = (await myPoints(chen)).pointsBalance;
    const overCap = await holdAsOrders(stack, {
      memberId: chen,
      orderId: randomUUID(),
      points: 10_100,
      orderAmount: 20_000,
      currency: 'CNY',
      idempotencyKey: randomUUID(),
    });
    expect(overCap.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'points' });
    expect(overCap.body.errors?.[0]?.message).toContain('at most 50%');
    const tooMany = await holdAsOrders(stack, {
      memberId: chen,
      orderId: randomUUID(),
      points: 90_000,
      orderAmount: 1_000_000,
      currency: 'CNY',
      idempotencyKey: randomUUID(),
    });
    expect(tooMany.body.errors?.[0]?.extensions?.code).toBe('INSUFFICIENT_POINTS');
    const badId = await holdAsOrders(stack, {
      memberId: 'chen',
      orderId: randomUUID(),
      points: 100,
      orderAmount: 20_000,
      currency: 'CNY',
      idempotencyKey: randomUUID(),
    });
    expect(badId.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'memberId' });
    const badCurrency = await holdAsOrders(stack, {
      memberId: chen,
      orderId: randomUUID(),
      points: 100,
      orderAmount: 20_000,
      currency: 'yuan',
      idempotencyKey: randomUUID(),
    });
    expect(badCurrency.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'currency' });
    expect((await myPoints(chen)).pointsBalance).toBe(before);
  });

  it('a member, staff or the gateway calling holdPointsForOrder directly is FORBIDDEN, and the gateway does not expose it', async () => {
    const dee = demo('Dee');
    const input = { memberId: dee, orderId: randomUUID(), points: 100, orderAmount: 20_000, currency: 'CNY', idempotencyKey: randomUUID() };
    for (const viewer of [
      { kind: 'member' as const, memberId: dee },
      { kind: 'staff' as const, staffId: '00000000-0000-4000-8000-00000000057a', scopes: ['points:adjust'] },
      { kind: 'service' as const, service: 'identity' },
    ]) {
      const res = await callSubgraph(stack, 'points', HOLD, { input }, viewer);
      expect(res.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    const viaGateway = await stack.gql(HOLD, { input }, { token: await stack.memberToken(dee) });
    expect(viaGateway.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('OrderCancelled gives the held points back to the same lots; a hold nobody commits is released by the job after its time', async () => {
    const dee = demo('Dee');
    const lotsBefore = await lotsOf(dee);
    const before = (await myPoints(dee)).pointsBalance;
    const cancelled = (
      await holdAsOrders(stack, {
        memberId: dee,
        orderId: randomUUID(),
        points: 300,
        orderAmount: 20_000,
        currency: 'CNY',
        idempotencyKey: randomUUID(),
      })
    ).body.data.holdPointsForOrder;
    const forgotten = (
      await holdAsOrders(stack, {
        memberId: dee,
        orderId: randomUUID(),
        points: 200,
        orderAmount: 20_000,
        currency: 'CNY',
        idempotencyKey: randomUUID(),
      })
    ).body.data.holdPointsForOrder;
    expect((await myPoints(dee)).pointsBalance).toBe(before - 500);

    await publishToPoints(
      stack,
      'OrderCancelled',
      { orderId: randomUUID(), memberId: dee, pointsHoldId: cancelled.id, cancelledAt: clock.toISOString() },
      clock,
    );
    await stack.drainEvents();
    expect((await myPoints(dee)).pointsBalance).toBe(before - 200);

    // Not yet: the hold has 30 minutes.
    await stack.jobs.tick(new Date(clock.getTime() + 10 * 60_000));
    expect((await myPoints(dee)).pointsBalance).toBe(before - 200);
    await stack.jobs.tick(new Date(clock.getTime() + 31 * 60_000));
    expect((await myPoints(dee)).pointsBalance).toBe(before);
    expect(await lotsOf(dee)).toEqual(lotsBefore);
    const [row] = await stack.database.db.select().from(holds).where(eq(holds.id, forgotten.id));
    expect(row!.status).toBe('released');
  });

  it('Bo under RESTRICTED_BENEFITS is refused a hold (FORBIDDEN, naming the sanction and its end); once lifted he may hold again', async () => {
    const bo = demo('Bo');
    const sanctionId = randomUUID();
    const endsAt = new Date(clock.getTime() + 14 * DAY).toISOString();
    await publishToPoints(
      stack,
      'SanctionApplied',
      { sanctionId, memberId: bo, kind: 'RESTRICTED_BENEFITS', effectiveAt: clock.toISOString(), endsAt },
      clock,
      'moderation',
    );
    await stack.drainEvents();
    const input = { memberId: bo, orderId: randomUUID(), points: 100, orderAmount: 20_000, currency: 'CNY', idempotencyKey: randomUUID() };
    const refused = await holdAsOrders(stack, input);
    expect(refused.body.errors?.[0]?.extensions).toMatchObject({
      code: 'FORBIDDEN',
      sanction: 'RESTRICTED_BENEFITS',
      sanctionId,
      until: endsAt,
    });
    expect(refused.body.errors?.[0]?.message).toContain(`until ${endsAt}`);

    await publishToPoints(
      stack,
      'SanctionLifted',
      { sanctionId, memberId: bo, kind: 'RESTRICTED_BENEFITS', reason: 'appeal' },
      clock,
      'moderation',
    );
    await stack.drainEvents();
    expect((await holdAsOrders(stack, input)).body.errors).toBeUndefined();
  });
});

describe('earning from a paid order, and a refund after the points were partly spent', () => {
  it('Chen (GOLD, ×1.5) pays an order with a points hold: the hold is committed, 294 points pending until the return window ends, then available with a notice; a full refund claws them back (debt for what was spent) and restores the hold to exactly its lots', async () => {
    const chen = demo('Chen');
    await publishToPoints(
      stack,
      'TierChanged',
      { memberId: chen, from: 'SILVER', to: 'GOLD', reason: 'qualifying_spend', pointsMultiplierPercent: 150 },
      clock,
      'tiers',
    );
    await stack.drainEvents();
    await adjust(chen, 400);
    const start = await myPoints(chen);
    const lotsBefore = await lotsOf(chen);

    // Checkout: 400 points off a 200.00 order, paid 196.00.
    const orderId = randomUUID();
    const hold = (
      await holdAsOrders(stack, {
        memberId: chen,
        orderId,
        points: 400,
        orderAmount: 20_000,
        currency: 'CNY',
        idempotencyKey: `checkout:${orderId}`,
      })
    ).body.data.holdPointsForOrder;
    const heldLots = await lotsOf(chen);
    const windowEnds = new Date(clock.getTime() + 7 * DAY);
    await publishToPoints(
      stack,
      'OrderPaid',
      {
        orderId,
        memberId: chen,
        amount: 19_600,
        currency: 'CNY',
        paidAt: clock.toISOString(),
        method: 'online',
        pointsHoldId: hold.id,
        pointsUsed: 400,
        returnWindowEndsAt: windowEnds.toISOString(),
      },
      clock,
    );
    await stack.drainEvents();
    const [committed] = await stack.database.db.select().from(holds).where(eq(holds.id, hold.id));
    expect(committed!.status).toBe('committed');
    // floor(196 × 1 × 150%) = 294.
    expect(await myPoints(chen)).toEqual({ pointsBalance: start.pointsBalance - 400, pendingPoints: 294, pointsDebt: 0 });

    // The hold job passing the hold's time changes nothing: it was committed.
    await stack.jobs.tick(new Date(clock.getTime() + DAY));
    expect((await myPoints(chen)).pointsBalance).toBe(start.pointsBalance - 400);
    expect((await myPoints(chen)).pendingPoints).toBe(294);

    await stack.jobs.tick(new Date(windowEnds.getTime() + 60_000));
    expect(await myPoints(chen)).toEqual({ pointsBalance: start.pointsBalance - 400 + 294, pendingPoints: 0, pointsDebt: 0 });
    const notices = await stack.database.db
      .select()
      .from(outbox)
      .where(and(eq(outbox.type, 'MemberNoticeRequested')));
    expect(notices.map((n) => n.payload)).toContainEqual(
      expect.objectContaining({ memberId: chen, template: 'points.points_available', params: { points: 294, orderNumber: orderId } }),
    );

    // Chen spends everything but 100 on another order.
    const spend = (await myPoints(chen)).pointsBalance - 100;
    const other = await holdAsOrders(stack, {
      memberId: chen,
      orderId: randomUUID(),
      points: spend,
      orderAmount: spend * 2 + 100,
      currency: 'CNY',
      idempotencyKey: randomUUID(),
    });
    expect(other.body.errors).toBeUndefined();

    // Full refund: 294 earned come back out (100 from the balance, 194 as debt); the 400 offset points go back to their lots.
    await publishToPoints(
      stack,
      'RefundCompleted',
      {
        refundId: randomUUID(),
        orderId,
        memberId: chen,
        amount: 19_600,
        currency: 'CNY',
        orderAmount: 19_600,
        pointsRestored: 400,
        completedAt: clock.toISOString(),
      },
      clock,
    );
    await stack.drainEvents();
    expect(await myPoints(chen)).toEqual({ pointsBalance: 400, pendingPoints: 0, pointsDebt: 194 });
    const after = await lotsOf(chen);
    // Exactly the lots the hold emptied hold their 400 points again, with their original expiry.
    const restored = after.filter((l) => {
      const held = heldLots.find((h) => h.id === l.id);
      const was = lotsBefore.find((b) => b.id === l.id);
      return held && was && was.remaining > held.remaining;
    });
    expect(restored.reduce((n, l) => n + l.remaining, 0)).toBe(400);
    for (const l of restored) expect(l.expiresAt).toBe(lotsBefore.find((b) => b.id === l.id)!.expiresAt);

    // His next order's points pay the debt first when its window ends: floor(400 × 1.5) = 600, 194 to the debt.
    const nextEnds = new Date(clock.getTime() + 8 * DAY + 3 * DAY);
    await publishToPoints(
      stack,
      'OrderPaid',
      {
        orderId: randomUUID(),
        memberId: chen,
        amount: 40_000,
        currency: 'CNY',
        paidAt: new Date(clock.getTime() + 8 * DAY).toISOString(),
        returnWindowEndsAt: nextEnds.toISOString(),
      },
      clock,
    );
    await stack.drainEvents();
    expect(await myPoints(chen)).toEqual({ pointsBalance: 400, pendingPoints: 600, pointsDebt: 194 });
    await stack.jobs.tick(new Date(nextEnds.getTime() + 60_000));
    // The other order was never paid, so its hold ran out and its points came back too.
    expect(await myPoints(chen)).toEqual({ pointsBalance: 400 + spend + 600 - 194, pendingPoints: 0, pointsDebt: 0 });
  });
});

describe('a refund that arrives before its OrderPaid', () => {
  it("Ana's half refund overtakes the OrderPaid: it waits, then cuts her pending points in proportion and gives half the hold back to its lots when the order is paid; delivered again, it changes nothing", async () => {
    const ana = demo('Ana');
    await adjust(ana, 300);
    const start = await myPoints(ana);
    const orderId = randomUUID();
    const refundId = randomUUID();
    const hold = (
      await holdAsOrders(stack, {
        memberId: ana,
        orderId,
        points: 200,
        orderAmount: 20_000,
        currency: 'CNY',
        idempotencyKey: `checkout:${orderId}`,
      })
    ).body.data.holdPointsForOrder;
    const refund = {
      refundId,
      orderId,
      memberId: ana,
      amount: 9_900,
      currency: 'CNY',
      orderAmount: 19_800,
      pointsRestored: 100,
      completedAt: new Date(clock.getTime() + 1000).toISOString(),
    };
    await publishToPoints(stack, 'RefundCompleted', refund, clock);
    await stack.drainEvents();
    // Nothing to take back yet: the order is not paid as far as points knows.
    expect(await myPoints(ana)).toEqual({ ...start, pointsBalance: start.pointsBalance - 200 });
    const [waiting] = await stack.database.db.select().from(orderRefunds).where(eq(orderRefunds.refundId, refundId));
    expect(waiting!.appliedAt).toBeNull();

    await publishToPoints(
      stack,
      'OrderPaid',
      {
        orderId,
        memberId: ana,
        amount: 19_800,
        currency: 'CNY',
        paidAt: clock.toISOString(),
        method: 'online',
        pointsHoldId: hold.id,
        pointsUsed: 200,
        returnWindowEndsAt: new Date(clock.getTime() + 7 * DAY).toISOString(),
      },
      clock,
    );
    await stack.drainEvents();
    const [earning] = await stack.database.db.select().from(orderEarnings).where(eq(orderEarnings.orderId, orderId));
    expect(earning!.points).toBeGreaterThan(0);
    expect(earning).toMatchObject({ status: 'pending', refunded: 9_900, clawed: Math.floor(earning!.points / 2) });
    const pending = earning!.points - Math.floor(earning!.points / 2);
    expect(await myPoints(ana)).toEqual({
      pointsBalance: start.pointsBalance - 200 + 100,
      pendingPoints: pending,
      pointsDebt: start.pointsDebt,
    });
    const [applied] = await stack.database.db.select().from(orderRefunds).where(eq(orderRefunds.refundId, refundId));
    expect(applied!.appliedAt).not.toBeNull();

    // The same refund delivered again (another event, the same refund): applied once only.
    await publishToPoints(stack, 'RefundCompleted', refund, clock);
    await stack.drainEvents();
    expect(await myPoints(ana)).toEqual({ pointsBalance: start.pointsBalance - 100, pendingPoints: pending, pointsDebt: start.pointsDebt });
  });

  it("Dee's full refund overtakes an OrderPaid with no return window: when the order is paid, its points are earned and taken back at once, exactly once", async () => {
    const dee = demo('Dee');
    const start = await myPoints(dee);
    const orderId = randomUUID();
    const refundId = randomUUID();
    await publishToPoints(
      stack,
      'RefundCompleted',
      { refundId, orderId, memberId: dee, amount: 5_000, currency: 'CNY', orderAmount: 5_000, completedAt: clock.toISOString() },
      clock,
    );
    await stack.drainEvents();
    await publishToPoints(
      stack,
      'OrderPaid',
      { orderId, memberId: dee, amount: 5_000, currency: 'CNY', paidAt: clock.toISOString() },
      clock,
    );
    await stack.drainEvents();
    const moves = await stack.database.db
      .select({ kind: ledger.kind, delta: ledger.delta, key: ledger.idempotencyKey })
      .from(ledger)
      .where(and(eq(ledger.memberId, dee), eq(ledger.sourceId, orderId)));
    const earned = moves.find((m) => m.kind === 'earn')!.delta;
    expect(earned).toBeGreaterThan(0);
    expect(moves).toEqual(
      expect.arrayContaining([
        { kind: 'earn', delta: earned, key: `order-earn:${orderId}` },
        { kind: 'clawback', delta: -earned, key: `refund-clawback:${refundId}` },
      ]),
    );
    expect(moves.filter((m) => m.kind === 'clawback')).toHaveLength(1);
    // The order's points net to nothing; only her first-order task (not order points) stays.
    const task = moves.filter((m) => m.key === `task:first_order:${dee}`).reduce((n, m) => n + m.delta, 0);
    expect(await myPoints(dee)).toEqual({ ...start, pointsBalance: start.pointsBalance + task });
  });
});
