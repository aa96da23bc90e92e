import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sql } from '@membership/db';
import type { TestStack } from '@membership/testing';
import { useTestStack } from '@membership/testing/per-file';
import { BenefitsRepository } from '../src/db/benefits-repository.js';
import { publishToPoints } from '../../points/test/helpers.js';

/**
 * A scheduled change to a tier's points multiplier reaches points on its date: members who
 * keep their tier earn at the old multiplier before it and at the new one after it. Runs the
 * real orders, points and tiers through the gateway; time moves on the injected clock and
 * the jobs are ticked by hand.
 */

let clock = new Date();
const DAY = 86_400_000;
let stack: TestStack;
useTestStack({ now: () => clock, beforeEachTest: () => (clock = new Date(clock.getTime() + 1000)), started: (s) => (stack = s) });

const member = (name: string) => stack.demo.find((m) => m.displayName === name)!;
/** Lee runs the programme: staff with tiers:manage. */
const lee = () => stack.staffToken(['tiers:manage', 'tiers:read'], '00000000-0000-4000-8000-0000000001ee');

const SCHEDULE = `mutation ($input: ScheduleBenefitChangeInput!) { scheduleBenefitChange(input: $input) { changeId effectiveAt } }`;
const PLACE = `mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) { id } }`;
const PAY = `mutation ($input: PayOrderInput!) { payOrder(input: $input) { order { status } } }`;
const ME = `{ me { tier { code pointsMultiplier } tierSince } }`;

/** Ana places and pays an order of 200.00 through the gateway; returns the multiplier points earned it at. */
async function anaBuys(key: string): Promise<number> {
  const token = await stack.memberToken(member('Ana').id);
  const placed = await stack.gql(
    PLACE,
    {
      input: {
        idempotencyKey: `${key}-place`,
        currency: 'CNY',
        lines: [{ sku: 'TEA-LONGJING-250G', title: 'Longjing green tea, 250 g', quantity: 1, unitAmount: 20_000 }],
        shippingAddress: '3 Tea Hill Road, Hangzhou',
      },
    },
    { token },
  );
  expect(placed.body.errors).toBeUndefined();
  const orderId = placed.body.data.placeOrder.id as string;
  const paid = await stack.gql(
    PAY,
    { input: { orderId, method: 'ONLINE', paymentToken: 'tok_ok_8888', idempotencyKey: `${key}-pay` } },
    { token },
  );
  expect(paid.body.data?.payOrder.order.status).toBe('PAID');
  await stack.drainEvents();
  const [earning] = await stack.database.rows<{ tier_percent: number }>(
    sql`select tier_percent from points.order_earnings where order_id = ${orderId}`,
  );
  return earning!.tier_percent;
}

const multipliersInPoints = async () =>
  Object.fromEntries(
    (
      await stack.database.rows<{ tier: string; percents: number[] }>(
        sql`select tier, array_agg(distinct multiplier_percent order by multiplier_percent) as percents from points.member_tiers group by tier`,
      )
    ).map((r) => [r.tier, r.percents]),
  );
const appliedEvents = () =>
  stack.database.rows<{ payload: Record<string, unknown> }>(sql`select payload from tiers.outbox where type = 'TierBenefitChangeApplied'`);

describe("a change to Gold's multiplier reaches points on its date", () => {
  let change: { changeId: string; effectiveAt: string };
  let anaSince: string;

  it('Ana (Gold) earns at 150% before anything is scheduled', async () => {
    await stack.drainEvents();
    const me = await stack.gql(ME, {}, { token: await stack.memberToken(member('Ana').id) });
    expect(me.body.data.me.tier).toEqual({ code: 'GOLD', pointsMultiplier: 1.5 });
    anaSince = me.body.data.me.tierSince;
    expect((await multipliersInPoints()).GOLD).toEqual([150]);
    expect(await anaBuys('ana-before-schedule')).toBe(150);
  });

  it("Lee schedules Gold's multiplier 150% → 160% for 31 days ahead", async () => {
    const res = await stack.gql(
      SCHEDULE,
      {
        input: {
          tier: 'GOLD',
          benefit: 'POINTS_MULTIPLIER',
          value: 160,
          description: '1.6 points per yuan spent.',
          effectiveAt: new Date(clock.getTime() + 31 * DAY).toISOString(),
          reason: 'Gold anniversary year',
        },
      },
      { token: await lee() },
    );
    expect(res.body.errors).toBeUndefined();
    change = res.body.data.scheduleBenefitChange;
  });

  it('an hour before the date, the job applies nothing and Ana still earns at 150%', async () => {
    clock = new Date(Date.parse(change.effectiveAt) - 3_600_000);
    const run = (await stack.jobs.tick(clock)).find((r) => r.job === 'tiers.benefit_changes');
    expect(run).toMatchObject({ status: 'ok', result: { applied: 0 } });
    await stack.drainEvents();
    expect(await appliedEvents()).toEqual([]);
    expect(await anaBuys('ana-before-date')).toBe(150);
  });

  it('once the date has come, the job applies the change once: TierBenefitChangeApplied with 160 for Gold', async () => {
    clock = new Date(Date.parse(change.effectiveAt) + 60_000);
    const run = (await stack.jobs.tick(clock)).find((r) => r.job === 'tiers.benefit_changes');
    expect(run).toMatchObject({ status: 'ok', result: { applied: 1 } });
    expect((await appliedEvents()).map((e) => e.payload)).toEqual([
      {
        changeId: change.changeId,
        tier: 'GOLD',
        benefit: 'POINTS_MULTIPLIER',
        pointsMultiplierPercent: 160,
        appliedAt: change.effectiveAt,
      },
    ]);
    const [row] = await stack.database.rows<{ applied_at: Date | string }>(
      sql`select applied_at from tiers.benefit_changes where change_id = ${change.changeId}`,
    );
    expect(new Date(row!.applied_at)).toEqual(clock);
    // The next slot finds nothing left to apply.
    clock = new Date(clock.getTime() + 5 * 60_000);
    const again = (await stack.jobs.tick(clock)).find((r) => r.job === 'tiers.benefit_changes');
    expect(again).toMatchObject({ status: 'ok', result: { applied: 0 } });
    expect(await appliedEvents()).toHaveLength(1);
  });

  it('points moves every Gold member to 160% and leaves the other tiers alone', async () => {
    const before = await multipliersInPoints();
    await stack.drainEvents();
    const after = await multipliersInPoints();
    expect(after.GOLD).toEqual([160]);
    expect({ ...after, GOLD: undefined }).toEqual({ ...before, GOLD: undefined });
  });

  it('Ana, still Gold since the same moment, now earns at 160%', async () => {
    const me = await stack.gql(ME, {}, { token: await stack.memberToken(member('Ana').id) });
    expect(me.body.data.me).toEqual({ tier: { code: 'GOLD', pointsMultiplier: 1.6 }, tierSince: anaSince });
    expect(await anaBuys('ana-after-date')).toBe(160);
  });

  it('the event delivered to points again changes nothing', async () => {
    await stack.database.rows(sql`
      update events.deliveries d set delivered_at = null, available_at = ${clock.toISOString()}::timestamptz
      from events.log l where l.event_id = d.event_id and d.consumer = 'points' and l.type = 'TierBenefitChangeApplied'`);
    await stack.drainEvents();
    expect((await multipliersInPoints()).GOLD).toEqual([160]);
    const [delivered] = await stack.database.rows<{ n: number | string }>(sql`
      select count(*) as n from events.deliveries d join events.log l on l.event_id = d.event_id
      where d.consumer = 'points' and l.type = 'TierBenefitChangeApplied' and d.delivered_at is not null`);
    expect(Number(delivered!.n)).toBe(1);
  });
});

describe('two instances applying changes at the same moment', () => {
  it("Silver's change 125% → 130% goes out once, however many apply it at once", async () => {
    const res = await stack.gql(
      SCHEDULE,
      {
        input: {
          tier: 'SILVER',
          benefit: 'POINTS_MULTIPLIER',
          value: 130,
          description: '1.3 points per yuan spent.',
          effectiveAt: new Date(clock.getTime() + 31 * DAY).toISOString(),
          reason: 'Silver catches up',
        },
      },
      { token: await lee() },
    );
    expect(res.body.errors).toBeUndefined();
    const { changeId, effectiveAt } = res.body.data.scheduleBenefitChange as { changeId: string; effectiveAt: string };
    clock = new Date(Date.parse(effectiveAt) + 1000);
    const repositories = [0, 1, 2].map(() => new BenefitsRepository(stack.database.db));
    const results = await Promise.all(repositories.map((r) => r.applyDue(clock)));
    expect(results.map((r) => r.applied).sort()).toEqual([0, 0, 1]);
    expect((await appliedEvents()).filter((e) => e.payload.changeId === changeId)).toHaveLength(1);
    await stack.drainEvents();
    expect((await multipliersInPoints()).SILVER).toEqual([130]);
  });
});

describe('events that reach points out of order', () => {
  const pointsTierOf = async (memberId: string) =>
    (
      await stack.database.rows<{ tier: string; multiplier_percent: number }>(
        sql`select tier, multiplier_percent from points.member_tiers where member_id = ${memberId}`,
      )
    )[0];

  it('a TierChanged told before a multiplier change but delivered after it keeps the new multiplier; an older TierChanged never overwrites a newer one', async () => {
    const memberId = randomUUID();
    const appliedAt = new Date(clock.getTime() - 60_000);
    // The change to Platinum's multiplier is delivered first…
    await publishToPoints(
      stack,
      'TierBenefitChangeApplied',
      {
        changeId: randomUUID(),
        tier: 'PLATINUM',
        benefit: 'POINTS_MULTIPLIER',
        pointsMultiplierPercent: 190,
        appliedAt: appliedAt.toISOString(),
      },
      clock,
      'tiers',
    );
    await stack.drainEvents();
    // …then the member's move to Platinum, told an hour before it at the old 175%.
    await publishToPoints(
      stack,
      'TierChanged',
      { memberId, from: 'GOLD', to: 'PLATINUM', reason: 'qualifying_spend', pointsMultiplierPercent: 175 },
      new Date(appliedAt.getTime() - 3_600_000),
      'tiers',
    );
    await stack.drainEvents();
    expect(await pointsTierOf(memberId)).toEqual({ tier: 'PLATINUM', multiplier_percent: 190 });
    // A move to Gold told two hours before that arrives last: it is history, not news.
    await publishToPoints(
      stack,
      'TierChanged',
      { memberId, from: 'SILVER', to: 'GOLD', reason: 'qualifying_spend', pointsMultiplierPercent: 150 },
      new Date(appliedAt.getTime() - 7_200_000),
      'tiers',
    );
    await stack.drainEvents();
    expect(await pointsTierOf(memberId)).toEqual({ tier: 'PLATINUM', multiplier_percent: 190 });
  });
});
