import { describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { asc, eq } from 'drizzle-orm';
import { useTestStack } from '@membership/testing/per-file';
import type { TestStack } from '@membership/testing';
import { ledger, lots, redemptions, staffOperations } from '../src/db/schema.js';
import { publishToPoints } from './helpers.js';

/**
 * The points store's hold step (items that need fulfilment are reserved, then fulfilled or
 * released, by the member, staff or the job), under concurrency; and why a member is refused:
 * a sanction (with until when), or verification (with the level needed), through the
 * gateway. Lottery entries need primary verification in this file (configured).
 */

const HOUR = 3_600_000;
/** A valid resident ID number's last character (GB 11643), as identity checks it. */
function withCheckCharacter(first17: string): string {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((n, d, i) => n + Number(d) * weights[i]!, 0);
  return `${first17}${'10X98765432'[sum % 11]}`;
}
// Near real time: the gateway checks access tokens against the wall clock.
let clock = new Date();
let stack: TestStack;
useTestStack({
  now: () => clock,
  env: { POINTS_LOTTERY_VERIFICATION_LEVEL: 'primary' },
  beforeEachTest: () => (clock = new Date(clock.getTime() + 1000)),
  started: (s) => (stack = s),
});

const demo = (name: string) => stack.demo.find((m) => m.displayName === name)!.id;
const SUPPORT = { 'x-access-purpose': 'support' };
const MANAGER = ['points:manage'];

async function asMember<T = any>(memberId: string, query: string, variables: Record<string, unknown> = {}) {
  return (await stack.gql<T>(query, variables, { token: await stack.memberToken(memberId) })).body;
}
async function asStaff<T = any>(scopes: string[], query: string, variables: Record<string, unknown> = {}) {
  return (await stack.gql<T>(query, variables, { token: await stack.staffToken(scopes), headers: SUPPORT })).body;
}
async function balanceOf(memberId: string): Promise<number> {
  return (await asMember(memberId, 'query { me { pointsBalance } }')).data.me.pointsBalance;
}
/** Sets the member's balance to exactly `points` with a staff adjustment. */
async function setBalance(memberId: string, points: number) {
  const delta = points - (await balanceOf(memberId));
  if (delta === 0) return;
  const body = await asStaff(['points:adjust'], 'mutation($input: AdjustPointsInput!) { adjustPoints(input: $input) { id } }', {
    input: { memberId, points: delta, reason: 'Test balance for the store', idempotencyKey: randomUUID() },
  });
  expect(body.errors).toBeUndefined();
}
const lotsOf = (memberId: string) =>
  stack.database.db
    .select({ id: lots.id, remaining: lots.remaining, expiresAt: lots.expiresAt })
    .from(lots)
    .where(eq(lots.memberId, memberId))
    .orderBy(asc(lots.id));
async function stockOf(itemId: string): Promise<number> {
  const items = (await stack.gql('query { storeItems { id stock } }')).body.data.storeItems as { id: string; stock: number }[];
  return items.find((i) => i.id === itemId)!.stock;
}
async function createItem(input: Record<string, unknown>): Promise<string> {
  const body = await asStaff(MANAGER, 'mutation($input: StoreItemInput!) { createStoreItem(input: $input) { id } }', {
    input: { kind: 'PHYSICAL', validFrom: new Date(clock.getTime() - HOUR).toISOString(), ...input },
  });
  expect(body.errors).toBeUndefined();
  return body.data.createStoreItem.id;
}

const REDEEM = 'mutation($input: RedeemStoreItemInput!) { redeemStoreItem(input: $input) { id points status expiresAt } }';
const CANCEL = 'mutation($id: ID!) { cancelRedemption(id: $id) { id status } }';
const FULFIL = 'mutation($id: ID!) { fulfilRedemption(id: $id) { id status } }';
const ENTER = 'mutation($input: EnterLotteryInput!) { enterLottery(input: $input) { id number } }';
const redeem = (memberId: string, itemId: string) => asMember(memberId, REDEEM, { input: { itemId, idempotencyKey: randomUUID() } });

describe('redemptions that need fulfilment hold stock and points until fulfilled', () => {
  it('Chen redeems a teapot (held: stock and points reserved), then cancels: the stock and exactly his lots come back; Ana cannot cancel it', async () => {
    const chen = demo('Chen');
    await setBalance(chen, 300);
    const itemId = await createItem({ title: 'Yixing teapot', pricePoints: 120, stock: 3 });
    const lotsBefore = await lotsOf(chen);
    const held = await redeem(chen, itemId);
    expect(held.errors).toBeUndefined();
    expect(held.data.redeemStoreItem).toMatchObject({
      points: 120,
      status: 'HELD',
      expiresAt: new Date(clock.getTime() + 72 * HOUR).toISOString(),
    });
    expect(await balanceOf(chen)).toBe(180);
    expect(await stockOf(itemId)).toBe(2);

    const id = held.data.redeemStoreItem.id;
    // Staff see it waiting, with what Chen chose (behaviour data, read with a purpose).
    const queue = await asStaff(
      [...MANAGER, 'pii:behaviour:read'],
      'query { redemptionsToFulfil { redemptionId memberId title expiresAt } }',
    );
    expect(queue.errors).toBeUndefined();
    expect(queue.data.redemptionsToFulfil).toContainEqual({
      redemptionId: id,
      memberId: chen,
      title: 'Yixing teapot',
      expiresAt: held.data.redeemStoreItem.expiresAt,
    });
    const masked = await asStaff(MANAGER, 'query { redemptionsToFulfil { redemptionId title } }');
    expect(masked.data.redemptionsToFulfil.find((r: { redemptionId: string }) => r.redemptionId === id).title).toBeNull();
    expect((await asMember(chen, 'query { redemptionsToFulfil { redemptionId } }')).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await asMember(demo('Ana'), CANCEL, { id })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const cancelled = await asMember(chen, CANCEL, { id });
    expect(cancelled.data.cancelRedemption).toEqual({ id, status: 'RELEASED' });
    expect(await balanceOf(chen)).toBe(300);
    expect(await stockOf(itemId)).toBe(3);
    // The same lots, with the same points and expiry, as before the redemption.
    expect(await lotsOf(chen)).toEqual(lotsBefore);
    // Cancelling again changes nothing; a released redemption cannot be fulfilled.
    expect((await asMember(chen, CANCEL, { id })).data.cancelRedemption.status).toBe('RELEASED');
    expect(await balanceOf(chen)).toBe(300);
    const late = await asStaff(MANAGER, FULFIL, { id });
    expect(late.errors?.[0]?.extensions?.code).toBe('CONFLICT');
  });

  it('a redemption staff do not fulfil within 72 hours is released by the job (stock and points back), not before; staff cancelling one is logged', async () => {
    const dee = demo('Dee');
    await setBalance(dee, 500);
    const itemId = await createItem({ title: 'Tea towel', pricePoints: 100, stock: 5 });
    const first = await redeem(dee, itemId);
    const second = await redeem(dee, itemId);
    expect(await balanceOf(dee)).toBe(300);
    expect(await stockOf(itemId)).toBe(3);

    const byStaff = await asStaff(MANAGER, CANCEL, { id: second.data.redeemStoreItem.id });
    expect(byStaff.data.cancelRedemption.status).toBe('RELEASED');
    const logged = await stack.database.db
      .select()
      .from(staffOperations)
      .where(eq(staffOperations.targetId, second.data.redeemStoreItem.id));
    expect(logged.map((o) => o.operation)).toEqual(['points.store.cancel']);
    expect(await balanceOf(dee)).toBe(400);

    const expiresAt = new Date(first.data.redeemStoreItem.expiresAt);
    // The job runs every 15 minutes: one pass 20 minutes before the end, one 20 minutes after.
    await stack.jobs.tick(new Date(expiresAt.getTime() - 20 * 60_000));
    expect(await balanceOf(dee)).toBe(400);
    expect(await stockOf(itemId)).toBe(4);
    await stack.jobs.tick(new Date(expiresAt.getTime() + 20 * 60_000));
    expect(await balanceOf(dee)).toBe(500);
    expect(await stockOf(itemId)).toBe(5);
    const history = await asMember(dee, 'query { me { pointsHistory(first: 1) { edges { node { delta kind reason } } } } }');
    expect(history.data.me.pointsHistory.edges[0].node).toEqual({ delta: 100, kind: 'REVERSE', reason: 'STORE' });
    expect((await asStaff(MANAGER, FULFIL, { id: first.data.redeemStoreItem.id })).errors?.[0]?.extensions?.code).toBe('CONFLICT');
  });

  it('24 redemptions at once by four members who can each pay for 3, of an item with 10 in stock: exactly 10 held, no member overspends, stock 0; the job gives it all back', async () => {
    const members = ['Ana', 'Bo', 'Chen', 'Dee'].map(demo);
    for (const m of members) await setBalance(m, 150);
    const itemId = await createItem({ title: 'Celadon cup', pricePoints: 50, stock: 10 });
    const results = await Promise.all(Array.from({ length: 24 }, (_, i) => redeem(members[i % 4]!, itemId)));
    const ok = results.filter((r) => !r.errors);
    expect(ok).toHaveLength(10);
    for (const r of results.filter((r) => r.errors)) expect(['CONFLICT', 'INSUFFICIENT_POINTS']).toContain(r.errors![0]!.extensions!.code);
    expect(await stockOf(itemId)).toBe(0);
    const balances = await Promise.all(members.map(balanceOf));
    for (const b of balances) expect(b).toBeGreaterThanOrEqual(0);
    expect(balances.reduce((a, b) => a + b, 0)).toBe(4 * 150 - 10 * 50);

    const expiry = Math.max(...ok.map((r) => new Date(r.data.redeemStoreItem.expiresAt).getTime()));
    await stack.jobs.tick(new Date(expiry + HOUR));
    expect(await stockOf(itemId)).toBe(10);
    expect(await Promise.all(members.map(balanceOf))).toEqual([150, 150, 150, 150]);
  });
});

describe('releases racing each other', () => {
  it('Bo cancels three held redemptions while the job releases them: each is released once, stock and balance exact', async () => {
    const bo = demo('Bo');
    await setBalance(bo, 300);
    const itemId = await createItem({ title: 'Bamboo tea tray', pricePoints: 100, stock: 3 });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await redeem(bo, itemId)).data.redeemStoreItem.id);
    expect(await balanceOf(bo)).toBe(0);
    const latest = (await stack.database.db.select().from(redemptions).where(eq(redemptions.id, ids[2]!)))[0]!.expiresAt!;
    const [jobs, ...cancels] = await Promise.all([
      stack.jobs.tick(new Date(latest.getTime() + 2 * HOUR)),
      ...ids.map((id) => asMember(bo, CANCEL, { id })),
    ]);
    expect(jobs).toBeDefined();
    for (const c of cancels) expect(c.errors).toBeUndefined();
    expect(cancels.map((c) => c.data.cancelRedemption.status)).toEqual(['RELEASED', 'RELEASED', 'RELEASED']);
    expect(await balanceOf(bo)).toBe(300);
    expect(await stockOf(itemId)).toBe(3);
    const reversed = await stack.database.db.select().from(ledger).where(eq(ledger.memberId, bo));
    expect(reversed.filter((e) => e.kind === 'reverse' && ids.some((id) => e.idempotencyKey === `redemption-release:${id}`))).toHaveLength(
      3,
    );
  });
});

describe('why a member is refused, through the gateway', () => {
  it('Bo, restricted from benefits until a date, is told why and until when (sanction, restrictedUntil) for the store and lotteries; lifted, he may redeem', async () => {
    const bo = demo('Bo');
    await setBalance(bo, 100);
    const itemId = await createItem({ kind: 'COUPON', title: 'Tea coupon', pricePoints: 10, stock: 10 });
    const sanctionId = randomUUID();
    const endsAt = new Date(clock.getTime() + 14 * 24 * HOUR).toISOString();
    await publishToPoints(
      stack,
      'SanctionApplied',
      { sanctionId, memberId: bo, kind: 'RESTRICTED_BENEFITS', effectiveAt: clock.toISOString(), endsAt },
      clock,
      'moderation',
    );
    await stack.drainEvents();
    const refused = await redeem(bo, itemId);
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', sanction: 'RESTRICTED_BENEFITS', restrictedUntil: endsAt });
    expect(refused.errors?.[0]?.message).toContain(
      `restricted from using benefits (sanction ${sanctionId}, RESTRICTED_BENEFITS) until ${endsAt}`,
    );
    const lottery = await asStaff(MANAGER, 'mutation($input: LotteryInput!) { createLottery(input: $input) { id } }', {
      input: {
        title: 'Spring draw',
        entryCost: 5,
        loseWeight: 1,
        opensAt: new Date(clock.getTime() - HOUR).toISOString(),
        closesAt: new Date(clock.getTime() + 24 * HOUR).toISOString(),
        prizes: [{ name: 'Tea set', count: 1, weight: 1 }],
      },
    });
    const entry = await asMember(bo, ENTER, { input: { lotteryId: lottery.data.createLottery.id, idempotencyKey: randomUUID() } });
    expect(entry.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', sanction: 'RESTRICTED_BENEFITS', restrictedUntil: endsAt });

    // A permanent ban: until it is lifted (restrictedUntil null).
    const banId = randomUUID();
    await publishToPoints(
      stack,
      'SanctionApplied',
      { sanctionId: banId, memberId: bo, kind: 'BAN', effectiveAt: clock.toISOString(), endsAt: null },
      clock,
      'moderation',
    );
    await stack.drainEvents();
    const banned = await redeem(bo, itemId);
    expect(banned.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', sanction: 'BAN', restrictedUntil: null });
    expect(banned.errors?.[0]?.message).toContain('until it is lifted');

    await publishToPoints(
      stack,
      'SanctionLifted',
      { sanctionId, memberId: bo, kind: 'RESTRICTED_BENEFITS', reason: 'appeal' },
      clock,
      'moderation',
    );
    await publishToPoints(stack, 'SanctionLifted', { sanctionId: banId, memberId: bo, kind: 'BAN', reason: 'appeal' }, clock, 'moderation');
    await stack.drainEvents();
    expect((await redeem(bo, itemId)).errors).toBeUndefined();
  });

  it("Chen (unverified) is told a lottery entry needs primary verification (requiredLevel); after identity's MemberVerificationChanged he enters; refused, he is told so", async () => {
    const chen = demo('Chen');
    await setBalance(chen, 100);
    const lottery = await asStaff(MANAGER, 'mutation($input: LotteryInput!) { createLottery(input: $input) { id } }', {
      input: {
        title: 'Autumn draw',
        entryCost: 10,
        loseWeight: 1,
        opensAt: new Date(clock.getTime() - HOUR).toISOString(),
        closesAt: new Date(clock.getTime() + 24 * HOUR).toISOString(),
        prizes: [{ name: 'Tea cake', count: 2, weight: 1 }],
      },
    });
    const lotteryId = lottery.data.createLottery.id;
    const refused = await asMember(chen, ENTER, { input: { lotteryId, idempotencyKey: randomUUID() } });
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'VERIFICATION_REQUIRED', requiredLevel: 'primary' });
    expect(await balanceOf(chen)).toBe(100);

    await publishToPoints(
      stack,
      'MemberVerificationChanged',
      { memberId: chen, level: 'primary', expiresAt: null, changedAt: clock.toISOString() },
      clock,
      'identity',
    );
    await stack.drainEvents();
    const entered = await asMember(chen, ENTER, { input: { lotteryId, idempotencyKey: randomUUID() } });
    expect(entered.errors).toBeUndefined();
    expect(await balanceOf(chen)).toBe(90);

    await publishToPoints(
      stack,
      'MemberVerificationChanged',
      { memberId: chen, level: 'primary', expiresAt: null, changedAt: clock.toISOString(), refused: true },
      clock,
      'identity',
    );
    await stack.drainEvents();
    const again = await asMember(chen, ENTER, { input: { lotteryId, idempotencyKey: randomUUID() } });
    expect(again.errors?.[0]?.extensions).toMatchObject({ code: 'VERIFICATION_REQUIRED', requiredLevel: 'primary' });
    expect(again.errors?.[0]?.message).toContain('your verification was refused');
  });

  it('issue 18: Ana is refused a redemption above the configured value until identity approves her primary verification, then it succeeds', async () => {
    const ana = demo('Ana');
    await setBalance(ana, 6000);
    const itemId = await createItem({ kind: 'BENEFIT', title: 'Private tea tasting', pricePoints: 5500, stock: 2 });
    const refused = await redeem(ana, itemId);
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'VERIFICATION_REQUIRED', requiredLevel: 'primary' });
    expect(refused.errors?.[0]?.message).toContain('Items over 5000 points need primary real-name verification');
    expect(await balanceOf(ana)).toBe(6000);

    // Identity's own primary verification (the development checker approves a valid number).
    const first17 = '11010519900307002';
    const verified = await asMember(
      ana,
      'mutation ($input: PrimaryVerificationInput!) { submitPrimaryVerification(input: $input) { status } }',
      {
        input: { realName: '王安娜', idNumber: withCheckCharacter(first17) },
      },
    );
    expect(verified.errors).toBeUndefined();
    expect(verified.data.submitPrimaryVerification.status).toBe('APPROVED');
    await stack.drainEvents();

    const redeemed = await redeem(ana, itemId);
    expect(redeemed.errors).toBeUndefined();
    expect(redeemed.data.redeemStoreItem).toMatchObject({ points: 5500, status: 'COMMITTED' });
    expect(await balanceOf(ana)).toBe(500);
  });
});
