import { describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { and, eq, like } from 'drizzle-orm';
import { useTestStack } from '@membership/testing/per-file';
import type { TestStack } from '@membership/testing';
import { accounts, ledger, outbox } from '../src/db/schema.js';
import { publishToPoints } from './helpers.js';

/**
 * Issue 13's tasks beyond the first order, each earning by itself once per source, within
 * its rule's caps: reviewing an order (orders' reviewOrder), taking part in an activity (an
 * event place fulfilled), a shared product link that leads to a paid order, and completing
 * the profile (identity's MemberProfileCompleted).
 */

// Near real time: the gateway checks access tokens against the wall clock.
let clock = new Date();
let stack: TestStack;
useTestStack({ now: () => clock, beforeEachTest: () => (clock = new Date(clock.getTime() + 1000)), started: (s) => (stack = s) });

const demo = (name: string) => stack.demo.find((m) => m.displayName === name)!.id;
const SUPPORT = { 'x-access-purpose': 'support' };

async function asMember<T = any>(memberId: string, query: string, variables: Record<string, unknown> = {}) {
  return (await stack.gql<T>(query, variables, { token: await stack.memberToken(memberId) })).body;
}
async function asStaff<T = any>(scopes: string[], query: string, variables: Record<string, unknown> = {}) {
  return (await stack.gql<T>(query, variables, { token: await stack.staffToken(scopes), headers: SUPPORT })).body;
}
/** The member's ledger entries whose idempotency key starts with `prefix`. */
const entries = (memberId: string, prefix: string) =>
  stack.database.db
    .select({ delta: ledger.delta, reason: ledger.reason, kind: ledger.kind, sourceId: ledger.sourceId, key: ledger.idempotencyKey })
    .from(ledger)
    .where(and(eq(ledger.memberId, memberId), like(ledger.idempotencyKey, `${prefix}%`)));
const activities = async (memberId: string) =>
  (await stack.database.db.select().from(outbox).where(eq(outbox.type, 'MemberActivityRecorded')))
    .map((e) => e.payload as { memberId: string; kind: string; sourceId: string | null })
    .filter((p) => p.memberId === memberId);

const PLACE = `mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) { id status } }`;
const PAY = `mutation ($input: PayOrderInput!) { payOrder(input: $input) { order { status } } }`;
const REVIEW = `mutation ($input: ReviewOrderInput!) { reviewOrder(input: $input) { orderId memberId rating comment reviewedAt } }`;
const SHARE = `mutation ($sku: String!) { shareProduct(productSku: $sku) { code productSku memberId } }`;

/** The member places an order of 100.00 (through `shareCode` when given), and pays it unless `pay` is false. */
async function order(memberId: string, opts: { shareCode?: string | null; pay?: boolean } = {}): Promise<string> {
  const placed = await asMember(memberId, PLACE, {
    input: {
      idempotencyKey: randomUUID(),
      currency: 'CNY',
      lines: [{ sku: 'TEA-LONGJING-250G', title: 'Longjing green tea, 250 g', quantity: 1, unitAmount: 10_000 }],
      shippingAddress: '3 Tea Hill Road, Hangzhou',
      shareCode: opts.shareCode ?? null,
    },
  });
  expect(placed.errors).toBeUndefined();
  const orderId = placed.data.placeOrder.id as string;
  if (opts.pay !== false) {
    const paid = await asMember(memberId, PAY, {
      input: { orderId, method: 'ONLINE', paymentToken: 'tok_ok_4242', idempotencyKey: randomUUID() },
    });
    expect(paid.errors).toBeUndefined();
    expect(paid.data.payOrder.order.status).toBe('PAID');
  }
  await stack.drainEvents();
  return orderId;
}

describe('reviewing an order', () => {
  it('Ana reviews her paid order: the review is hers to read, tiers and points hear of it, and she earns the review task once', async () => {
    const ana = demo('Ana');
    const orderId = await order(ana);
    const review = await asMember(ana, REVIEW, { input: { orderId, rating: 5, comment: '  Fresh and fragrant  ' } });
    expect(review.errors).toBeUndefined();
    expect(review.data.reviewOrder).toMatchObject({ orderId, memberId: ana, rating: 5, comment: 'Fresh and fragrant' });
    await stack.drainEvents();
    expect(await entries(ana, `task:review:${orderId}`)).toEqual([
      { delta: 20, reason: 'TASK', kind: 'earn', sourceId: orderId, key: `task:review:${orderId}` },
    ]);
    const read = await asMember(ana, `query ($id: ID!) { order(id: $id) { review { rating comment } } }`, { id: orderId });
    expect(read.data.order.review).toEqual({ rating: 5, comment: 'Fresh and fragrant' });

    // The same review again returns it; a different one is refused; either way no more points.
    const again = await asMember(ana, REVIEW, { input: { orderId, rating: 5, comment: 'Fresh and fragrant' } });
    expect(again.data.reviewOrder.reviewedAt).toBe(review.data.reviewOrder.reviewedAt);
    const other = await asMember(ana, REVIEW, { input: { orderId, rating: 2, comment: 'Changed my mind' } });
    expect(other.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'orderId' });
    await stack.drainEvents();
    expect(await entries(ana, `task:review:${orderId}`)).toHaveLength(1);
  });

  it("a review is refused for a rating outside 1 to 5, for an unpaid order, and for someone else's order", async () => {
    const ana = demo('Ana');
    const bo = demo('Bo');
    const paid = await order(ana);
    const six = await asMember(ana, REVIEW, { input: { orderId: paid, rating: 6 } });
    expect(six.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'rating' });
    const long = await asMember(ana, REVIEW, { input: { orderId: paid, rating: 4, comment: 'x'.repeat(1001) } });
    expect(long.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'comment' });
    const unpaid = await order(ana, { pay: false });
    const early = await asMember(ana, REVIEW, { input: { orderId: unpaid, rating: 4 } });
    expect(early.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(early.errors?.[0]?.message).toContain('Only a paid order can be reviewed');
    const notHers = await asMember(bo, REVIEW, { input: { orderId: paid, rating: 1 } });
    expect(notHers.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    await stack.drainEvents();
    expect(await entries(ana, `task:review:${paid}`)).toEqual([]);
    expect(await entries(bo, `task:review:${paid}`)).toEqual([]);
  });

  it("the review task is capped at 60 points a day: Chen's fourth review of the day earns nothing, and a redelivered review nothing more", async () => {
    const chen = demo('Chen');
    const orders = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    for (const orderId of orders) {
      await publishToPoints(
        stack,
        'MemberActivityRecorded',
        { memberId: chen, kind: 'review', occurredAt: clock.toISOString(), sourceId: orderId },
        clock,
      );
    }
    // The same review delivered again as another event: one award per order.
    await publishToPoints(
      stack,
      'MemberActivityRecorded',
      { memberId: chen, kind: 'review', occurredAt: clock.toISOString(), sourceId: orders[0]! },
      clock,
    );
    // A check-in is paid by checkIn itself, and activity without a source earns nothing here.
    await publishToPoints(
      stack,
      'MemberActivityRecorded',
      { memberId: chen, kind: 'check_in', occurredAt: clock.toISOString(), sourceId: null },
      clock,
      'points',
    );
    await publishToPoints(
      stack,
      'MemberActivityRecorded',
      { memberId: chen, kind: 'review', occurredAt: clock.toISOString(), sourceId: null },
      clock,
    );
    await stack.drainEvents();
    const awarded = await entries(chen, 'task:review:');
    expect(awarded.map((e) => e.delta)).toEqual([20, 20, 20]);
    expect(awarded.map((e) => e.sourceId).sort()).toEqual(orders.slice(0, 3).sort());
  });
});

describe('sharing a product link', () => {
  it("Bo shares a tea; Chen orders through his link and pays: Bo earns the share points once and his share is recorded; Bo's own order through his link earns him nothing", async () => {
    const bo = demo('Bo');
    const chen = demo('Chen');
    const shared = await asMember(bo, SHARE, { sku: 'TEA-LONGJING-250G' });
    expect(shared.errors).toBeUndefined();
    const { code } = shared.data.shareProduct;
    expect(shared.data.shareProduct).toMatchObject({ productSku: 'TEA-LONGJING-250G', memberId: bo });
    expect(code).toMatch(/^[A-Z2-9]{10}$/);
    // Asking again gives the same code.
    expect((await asMember(bo, SHARE, { sku: 'TEA-LONGJING-250G' })).data.shareProduct.code).toBe(code);

    const chensOrder = await order(chen, { shareCode: code });
    expect(await entries(bo, 'task:share:')).toEqual([
      { delta: 30, reason: 'SHARE', kind: 'earn', sourceId: chensOrder, key: `task:share:${chensOrder}` },
    ]);
    expect(await activities(bo)).toContainEqual(expect.objectContaining({ kind: 'share', sourceId: chensOrder }));
    // Points hears its own share event back: still one award.
    await stack.drainEvents();
    expect(await entries(bo, 'task:share:')).toHaveLength(1);

    const bosOwn = await order(bo, { shareCode: code });
    expect(await entries(bo, `task:share:${bosOwn}`)).toEqual([]);
    expect((await activities(bo)).filter((a) => a.kind === 'share')).toHaveLength(1);
  });

  it("Ana's order through Dee's link is refunded in two halves: Dee's share points go back half each time, once per refund", async () => {
    const dee = demo('Dee');
    const ana = demo('Ana');
    const { code } = (await asMember(dee, SHARE, { sku: 'MUG-CELADON' })).data.shareProduct;
    const orderId = await order(ana, { shareCode: code });
    expect((await entries(dee, `task:share:${orderId}`)).map((e) => e.delta)).toEqual([30]);
    const refund = (refundId: string) => ({
      refundId,
      orderId,
      memberId: ana,
      amount: 5_000,
      currency: 'CNY',
      orderAmount: 10_000,
      pointsRestored: 0,
      completedAt: clock.toISOString(),
    });
    const first = randomUUID();
    await publishToPoints(stack, 'RefundCompleted', refund(first), clock);
    // The same refund told twice takes nothing more.
    await publishToPoints(stack, 'RefundCompleted', refund(first), clock);
    await stack.drainEvents();
    expect(await entries(dee, 'share-clawback:')).toEqual([
      { delta: -15, reason: 'REFUND', kind: 'clawback', sourceId: orderId, key: `share-clawback:${first}` },
    ]);
    const second = randomUUID();
    await publishToPoints(stack, 'RefundCompleted', refund(second), clock);
    await stack.drainEvents();
    expect((await entries(dee, 'share-clawback:')).map((e) => e.delta).sort()).toEqual([-15, -15]);
  });

  it('a share code that is not one points issued earns no one anything; a malformed one is refused at checkout; anonymous callers get no code', async () => {
    const dee = demo('Dee');
    const before = await stack.database.db.select().from(ledger);
    const orderId = await order(dee, { shareCode: 'NOSUCHCODE' });
    const after = await stack.database.db.select().from(ledger);
    expect(after.filter((e) => e.reason === 'SHARE').length).toBe(before.filter((e) => e.reason === 'SHARE').length);
    expect(orderId).toBeTruthy();
    const bad = await asMember(dee, PLACE, {
      input: {
        idempotencyKey: randomUUID(),
        currency: 'CNY',
        lines: [{ sku: 'TEA', title: 'Tea', quantity: 1, unitAmount: 100 }],
        shippingAddress: 'Somewhere 1',
        shareCode: 'not a code!',
      },
    });
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'shareCode' });
    expect((await stack.gql(SHARE, { sku: 'TEA' })).body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const badSku = await asMember(dee, SHARE, { sku: 'tea with spaces' });
    expect(badSku.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'productSku' });
  });
});

describe('completing the profile', () => {
  it('Dee completes her profile (identity says so, twice): she earns the profile task once', async () => {
    const dee = demo('Dee');
    await publishToPoints(stack, 'MemberProfileCompleted', { memberId: dee, completedAt: clock.toISOString() }, clock, 'identity');
    await publishToPoints(stack, 'MemberProfileCompleted', { memberId: dee, completedAt: clock.toISOString() }, clock, 'identity');
    await stack.drainEvents();
    expect(await entries(dee, 'task:complete_profile:')).toEqual([
      { delta: 50, reason: 'TASK', kind: 'earn', sourceId: dee, key: `task:complete_profile:${dee}` },
    ]);
  });

  it('a task event for a member points has no account for (never opened, or erased) opens none and earns nothing', async () => {
    const gone = randomUUID();
    await publishToPoints(stack, 'MemberProfileCompleted', { memberId: gone, completedAt: clock.toISOString() }, clock, 'identity');
    await publishToPoints(
      stack,
      'MemberActivityRecorded',
      { memberId: gone, kind: 'review', occurredAt: clock.toISOString(), sourceId: randomUUID() },
      clock,
    );
    await stack.drainEvents();
    expect(await stack.database.db.select().from(accounts).where(eq(accounts.memberId, gone))).toEqual([]);
    expect(await stack.database.db.select().from(ledger).where(eq(ledger.memberId, gone))).toEqual([]);
  });
});

describe('taking part in an activity', () => {
  const CREATE_ITEM = 'mutation($input: StoreItemInput!) { createStoreItem(input: $input) { id } }';
  const REDEEM = 'mutation($input: RedeemStoreItemInput!) { redeemStoreItem(input: $input) { id status expiresAt } }';
  const FULFIL = 'mutation($id: ID!) { fulfilRedemption(id: $id) { id status } }';

  it('Dee redeems a place at a tea ceremony (held); staff let her in (fulfilled): she took part, tiers and points hear of it, and she earns the activity task once', async () => {
    const dee = demo('Dee');
    await asStaff(['points:adjust'], 'mutation($input: AdjustPointsInput!) { adjustPoints(input: $input) { id } }', {
      input: { memberId: dee, points: 200, reason: 'Test balance for the activity', idempotencyKey: randomUUID() },
    });
    const item = await asStaff(['points:manage'], CREATE_ITEM, {
      input: {
        kind: 'EVENT_PLACE',
        title: 'Tea ceremony, Saturday',
        pricePoints: 100,
        stock: 10,
        validFrom: new Date(clock.getTime() - 60_000).toISOString(),
      },
    });
    const redeemed = await asMember(dee, REDEEM, { input: { itemId: item.data.createStoreItem.id, idempotencyKey: randomUUID() } });
    expect(redeemed.errors).toBeUndefined();
    const { id, status } = redeemed.data.redeemStoreItem;
    expect(status).toBe('HELD');
    // A member cannot mark herself as having taken part.
    expect((await asMember(dee, FULFIL, { id })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const fulfilled = await asStaff(['points:manage'], FULFIL, { id });
    expect(fulfilled.data.fulfilRedemption).toEqual({ id, status: 'COMMITTED' });
    expect((await asStaff(['points:manage'], FULFIL, { id })).data.fulfilRedemption.status).toBe('COMMITTED');
    await stack.drainEvents();
    expect(await activities(dee)).toContainEqual(expect.objectContaining({ kind: 'activity', sourceId: id }));
    expect(await entries(dee, 'task:activity:')).toEqual([
      { delta: 30, reason: 'TASK', kind: 'earn', sourceId: id, key: `task:activity:${id}` },
    ]);
    // A fulfilled place cannot be cancelled.
    const cancel = await asMember(dee, 'mutation($id: ID!) { cancelRedemption(id: $id) { status } }', { id });
    expect(cancel.errors?.[0]?.extensions?.code).toBe('CONFLICT');
  });
});
