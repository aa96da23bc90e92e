import { describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { useTestStack } from '@membership/testing/per-file';
import type { TestStack } from '@membership/testing';
import { outbox } from '../src/db/schema.js';
import { drawPrize } from '../src/domain/lottery.js';
import { publishToPoints } from './helpers.js';

const DAY = 86_400_000;
// 17:00 UTC is 01:00 the next day in Asia/Shanghai, the default check-in time zone.
let clock = new Date('2026-12-01T17:00:00.000Z');
let stack: TestStack;
useTestStack({ now: () => clock, started: (s) => (stack = s) });

const demo = (name: string) => stack.demo.find((m) => m.displayName === name)!.id;
const MANAGER = ['points:manage'];
const SUPPORT = { 'x-access-purpose': 'support' };

async function asMember<T = any>(memberId: string, query: string, variables: Record<string, unknown> = {}) {
  return (await stack.gql<T>(query, variables, { token: await stack.memberToken(memberId) })).body;
}
async function asStaff<T = any>(scopes: string[], query: string, variables: Record<string, unknown> = {}) {
  return (await stack.gql<T>(query, variables, { token: await stack.staffToken(scopes), headers: SUPPORT })).body;
}
async function balanceOf(memberId: string): Promise<number> {
  return (await asMember(memberId, 'query { me { pointsBalance } }')).data.me.pointsBalance;
}
async function give(memberId: string, points: number) {
  const body = await asStaff(['points:adjust'], 'mutation($input: AdjustPointsInput!) { adjustPoints(input: $input) { id } }', {
    input: { memberId, points, reason: 'Test balance for the programme', idempotencyKey: randomUUID() },
  });
  expect(body.errors).toBeUndefined();
}

describe('earning rules and campaigns', () => {
  it('anyone reads the earning rules in force; staff announce a change no sooner than 30 days ahead, and it shows as coming', async () => {
    const rules = await stack.gql('query { earningRules { code points dailyCap inForce } }');
    expect(rules.body.errors).toBeUndefined();
    expect(rules.body.data.earningRules).toContainEqual({ code: 'check_in', points: 5, dailyCap: null, inForce: true });
    expect(rules.body.data.earningRules).toContainEqual({ code: 'order', points: 1, dailyCap: null, inForce: true });

    const change =
      'mutation($input: EarningRuleChangeInput!) { scheduleEarningRuleChange(input: $input) { code points inForce effectiveFrom } }';
    const tooSoon = await asStaff(MANAGER, change, {
      input: { code: 'check_in', points: 8, effectiveFrom: new Date(clock.getTime() + 10 * DAY).toISOString() },
    });
    expect(tooSoon.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'effectiveFrom' });
    const later = new Date(clock.getTime() + 31 * DAY).toISOString();
    const ok = await asStaff(MANAGER, change, { input: { code: 'check_in', points: 8, effectiveFrom: later } });
    expect(ok.errors).toBeUndefined();
    const after = await stack.gql('query { earningRules { code points inForce } }');
    expect(after.body.data.earningRules.filter((r: { code: string }) => r.code === 'check_in')).toEqual([
      { code: 'check_in', points: 5, inForce: true },
      { code: 'check_in', points: 8, inForce: false },
    ]);
    const refused = await asStaff(['points:adjust'], change, { input: { code: 'check_in', points: 9, effectiveFrom: later } });
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('Chen (GOLD, x1.5) pays 100.00 during a double-points holiday: 300 points pending, available after the return window', async () => {
    const chen = demo('Chen');
    const campaign = await asStaff(
      MANAGER,
      'mutation($input: PointsCampaignInput!) { createPointsCampaign(input: $input) { id multiplierPercent } }',
      {
        input: {
          name: 'Spring Festival',
          multiplierPercent: 200,
          startsAt: new Date(clock.getTime() - DAY).toISOString(),
          endsAt: new Date(clock.getTime() + DAY).toISOString(),
        },
      },
    );
    expect(campaign.errors).toBeUndefined();
    expect((await stack.gql('query { pointsCampaigns { name multiplierPercent } }')).body.data.pointsCampaigns).toEqual([
      { name: 'Spring Festival', multiplierPercent: 200 },
    ]);
    await publishToPoints(
      stack,
      'TierChanged',
      { memberId: chen, from: 'SILVER', to: 'GOLD', reason: 'qualifying_spend', pointsMultiplierPercent: 150 },
      clock,
      'tiers',
    );
    const before = await balanceOf(chen);
    const windowEnds = new Date(clock.getTime() + 7 * DAY);
    await publishToPoints(
      stack,
      'OrderPaid',
      {
        orderId: randomUUID(),
        memberId: chen,
        amount: 10_000,
        currency: 'CNY',
        paidAt: clock.toISOString(),
        returnWindowEndsAt: windowEnds.toISOString(),
      },
      clock,
    );
    await stack.drainEvents();
    expect((await asMember(chen, 'query { me { pointsBalance pendingPoints } }')).data.me).toEqual({
      pointsBalance: before,
      pendingPoints: 300,
    });
    await stack.jobs.tick(new Date(windowEnds.getTime() - 60_000));
    expect(await balanceOf(chen)).toBe(before);
    await stack.jobs.tick(new Date(windowEnds.getTime() + 60_000));
    expect((await asMember(chen, 'query { me { pointsBalance pendingPoints } }')).data.me).toEqual({
      pointsBalance: before + 300,
      pendingPoints: 0,
    });
  });
});

const CHECK_IN = 'mutation { checkIn { day streak points bonus timeZone } }';

describe("daily check-in with a streak, in the member's time zone", () => {
  it('Dee checks in on consecutive Shanghai days and the bonus grows; twice in a day is refused; a missed day resets the streak', async () => {
    const dee = demo('Dee');
    const before = await balanceOf(dee);
    const first = await asMember(dee, CHECK_IN);
    expect(first.errors).toBeUndefined();
    // 17:00 UTC on 1 Dec is already 2 Dec in Shanghai.
    expect(first.data.checkIn).toEqual({ day: '2026-12-02', streak: 1, points: 5, bonus: 0, timeZone: 'Asia/Shanghai' });

    clock = new Date('2026-12-02T15:00:00.000Z'); // 23:00 on 2 Dec in Shanghai
    const again = await asMember(dee, CHECK_IN);
    expect(again.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(again.errors?.[0]?.message).toContain('Already checked in on 2026-12-02');

    clock = new Date('2026-12-02T16:30:00.000Z'); // 00:30 on 3 Dec in Shanghai
    expect((await asMember(dee, CHECK_IN)).data.checkIn).toMatchObject({ day: '2026-12-03', streak: 2, points: 7, bonus: 2 });
    clock = new Date('2026-12-03T16:30:00.000Z');
    expect((await asMember(dee, CHECK_IN)).data.checkIn).toMatchObject({ day: '2026-12-04', streak: 3, points: 9, bonus: 4 });
    // 5 Dec missed.
    clock = new Date('2026-12-05T16:30:00.000Z');
    expect((await asMember(dee, CHECK_IN)).data.checkIn).toMatchObject({ day: '2026-12-06', streak: 1, points: 5, bonus: 0 });
    expect(await balanceOf(dee)).toBe(before + 5 + 7 + 9 + 5);

    const activity = await stack.database.db
      .select()
      .from(outbox)
      .where(and(eq(outbox.type, 'MemberActivityRecorded')));
    expect(
      activity.filter((e) => (e.payload as { memberId: string }).memberId === dee).map((e) => (e.payload as { kind: string }).kind),
    ).toEqual(['check_in', 'check_in', 'check_in', 'check_in']);
  });
});

const CREATE_ITEM =
  'mutation($input: StoreItemInput!) { createStoreItem(input: $input) { id stock requiresVerification tierPrices { tier points } } }';
const REDEEM = 'mutation($input: RedeemStoreItemInput!) { redeemStoreItem(input: $input) { id points itemId } }';

async function createItem(input: Record<string, unknown>) {
  const body = await asStaff(MANAGER, CREATE_ITEM, {
    input: { kind: 'COUPON', validFrom: new Date(clock.getTime() - DAY).toISOString(), ...input },
  });
  expect(body.errors).toBeUndefined();
  return body.data.createStoreItem as { id: string; requiresVerification: boolean };
}

describe('the points store', () => {
  it('anyone reads the catalogue; Chen (GOLD) pays the GOLD price once, a replay changes nothing, and his limit of one is kept', async () => {
    const chen = demo('Chen');
    const item = await createItem({
      title: 'Tea tasting voucher',
      pricePoints: 300,
      tierPrices: [{ tier: 'GOLD', points: 200 }],
      stock: 3,
      perMemberLimit: 1,
    });
    const catalogue = await stack.gql('query { storeItems { id title pricePoints stock tierPrices { tier points } } }');
    expect(catalogue.body.data.storeItems).toContainEqual({
      id: item.id,
      title: 'Tea tasting voucher',
      pricePoints: 300,
      stock: 3,
      tierPrices: [{ tier: 'GOLD', points: 200 }],
    });
    const before = await balanceOf(chen);
    const key = randomUUID();
    const first = await asMember(chen, REDEEM, { input: { itemId: item.id, idempotencyKey: key } });
    expect(first.errors).toBeUndefined();
    expect(first.data.redeemStoreItem.points).toBe(200);
    expect((await asMember(chen, REDEEM, { input: { itemId: item.id, idempotencyKey: key } })).data.redeemStoreItem.id).toBe(
      first.data.redeemStoreItem.id,
    );
    const second = await asMember(chen, REDEEM, { input: { itemId: item.id, idempotencyKey: randomUUID() } });
    expect(second.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(await balanceOf(chen)).toBe(before - 200);
    expect((await stack.gql('query { storeItems { id stock } }')).body.data.storeItems).toContainEqual({ id: item.id, stock: 2 });
  });

  it('an item above the verification threshold needs primary verification: refused before MemberVerificationChanged, redeemed after', async () => {
    const dee = demo('Dee');
    await give(dee, 6000);
    const item = await createItem({ title: 'Weekend retreat', kind: 'EVENT_PLACE', pricePoints: 6000, stock: 1 });
    expect(item.requiresVerification).toBe(true);
    const refused = await asMember(dee, REDEEM, { input: { itemId: item.id, idempotencyKey: randomUUID() } });
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'VERIFICATION_REQUIRED', requiredLevel: 'primary' });
    expect(refused.errors?.[0]?.message).toContain('real-name verification');
    await publishToPoints(
      stack,
      'MemberVerificationChanged',
      { memberId: dee, level: 'primary', expiresAt: null, changedAt: clock.toISOString() },
      clock,
      'identity',
    );
    await stack.drainEvents();
    expect((await asMember(dee, REDEEM, { input: { itemId: item.id, idempotencyKey: randomUUID() } })).errors).toBeUndefined();
  });

  it('20 redemptions at once by four members of an item with 5 in stock: exactly 5 succeed, stock 0, the others refused and charged nothing', async () => {
    const members = ['Ana', 'Bo', 'Chen', 'Dee'].map(demo);
    for (const m of members) await give(m, 500);
    const before = await Promise.all(members.map(balanceOf));
    const item = await createItem({ title: 'Celadon mug', kind: 'PHYSICAL', pricePoints: 50, stock: 5 });
    const results = await Promise.all(
      Array.from({ length: 20 }, async (_, i) =>
        asMember(members[i % 4]!, REDEEM, { input: { itemId: item.id, idempotencyKey: randomUUID() } }),
      ),
    );
    const ok = results.filter((r) => !r.errors);
    expect(ok).toHaveLength(5);
    expect(results.filter((r) => r.errors).map((r) => r.errors![0]!.extensions!.code)).toEqual(Array(15).fill('CONFLICT'));
    expect((await stack.gql('query { storeItems { id stock } }')).body.data.storeItems).toContainEqual({ id: item.id, stock: 0 });
    const after = await Promise.all(members.map(balanceOf));
    expect(before.reduce((a, b) => a + b, 0) - after.reduce((a, b) => a + b, 0)).toBe(5 * 50);
    // Mugs are posted: held until staff send them, then committed.
    for (const r of ok) {
      const sent = await asStaff(MANAGER, 'mutation($id: ID!) { fulfilRedemption(id: $id) { status } }', { id: r.data.redeemStoreItem.id });
      expect(sent.data.fulfilRedemption.status).toBe('COMMITTED');
    }
  });
});

const ENTER = 'mutation($input: EnterLotteryInput!) { enterLottery(input: $input) { id number prize { id name } } }';

describe('lotteries', () => {
  it('entries cost points, prizes never go beyond their count, and every draw is recomputed from the seed revealed at closing', async () => {
    const dee = demo('Dee');
    await give(dee, 200);
    const created = await asStaff(
      MANAGER,
      'mutation($input: LotteryInput!) { createLottery(input: $input) { id seedHash seed prizes { id name count remaining } } }',
      {
        input: {
          title: 'Mid-autumn draw',
          entryCost: 10,
          loseWeight: 2,
          opensAt: new Date(clock.getTime() - 1000).toISOString(),
          closesAt: new Date(clock.getTime() + DAY).toISOString(),
          prizes: [
            { name: 'Mooncakes', count: 2, weight: 3 },
            { name: 'Tea set', count: 1, weight: 3 },
          ],
        },
      },
    );
    expect(created.errors).toBeUndefined();
    const lottery = created.data.createLottery;
    expect(lottery.seed).toBeNull();
    const before = await balanceOf(dee);
    const entries = [];
    for (let i = 0; i < 12; i++) {
      const body = await asMember(dee, ENTER, { input: { lotteryId: lottery.id, idempotencyKey: `draw-${lottery.id}-${i}` } });
      expect(body.errors).toBeUndefined();
      entries.push(body.data.enterLottery as { number: number; prize: { id: string; name: string } | null });
    }
    expect(await balanceOf(dee)).toBe(before - 120);
    const won = entries.filter((e) => e.prize).map((e) => e.prize!.name);
    expect(won.filter((n) => n === 'Mooncakes').length).toBeLessThanOrEqual(2);
    expect(won.filter((n) => n === 'Tea set').length).toBeLessThanOrEqual(1);

    clock = new Date(clock.getTime() + 2 * DAY);
    const closed = (
      await stack.gql('query($id: ID!) { lottery(id: $id) { seed seedHash prizes { id name count remaining } } }', { id: lottery.id })
    ).body.data.lottery;
    expect(closed.seed).toMatch(/^[0-9a-f]{64}$/);
    // The audit: replaying the draws in order from the seed gives exactly the recorded prizes.
    const prizes = closed.prizes.map((p: { id: string; count: number }) => ({ id: p.id, count: p.count, weight: 3, awarded: 0 }));
    for (const e of entries) {
      const drawn = drawPrize(closed.seed, lottery.id, e.number, prizes, 2);
      expect(drawn).toBe(e.prize?.id ?? null);
      if (drawn) prizes.find((p: { id: string }) => p.id === drawn)!.awarded++;
    }
    const late = await asMember(dee, ENTER, { input: { lotteryId: lottery.id, idempotencyKey: randomUUID() } });
    expect(late.errors?.[0]?.extensions?.code).toBe('CONFLICT');
  });
});

describe('members under a sanction', () => {
  it('Bo, banned until a date, cannot redeem or enter a lottery; the error names the sanction and its end', async () => {
    const bo = demo('Bo');
    await give(bo, 100);
    const item = await createItem({ title: 'Sticker', pricePoints: 10, stock: 10 });
    const sanctionId = randomUUID();
    const endsAt = new Date(clock.getTime() + 30 * DAY).toISOString();
    await publishToPoints(
      stack,
      'SanctionApplied',
      { sanctionId, memberId: bo, kind: 'BAN', effectiveAt: clock.toISOString(), endsAt },
      clock,
      'moderation',
    );
    await stack.drainEvents();
    const refused = await asMember(bo, REDEEM, { input: { itemId: item.id, idempotencyKey: randomUUID() } });
    // The gateway passes why and until when (sanction, restrictedUntil); the sanction's id stays inside.
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', sanction: 'BAN', restrictedUntil: endsAt });
    expect(refused.errors?.[0]?.extensions).not.toHaveProperty('sanctionId');
    expect(refused.errors?.[0]?.message).toBe(
      `This member is banned (sanction ${sanctionId}, BAN) until ${endsAt}; points cannot be spent before then.`,
    );
    const lottery = await asStaff(MANAGER, 'mutation($input: LotteryInput!) { createLottery(input: $input) { id } }', {
      input: {
        title: 'Any draw',
        entryCost: 5,
        loseWeight: 1,
        opensAt: new Date(clock.getTime() - 1000).toISOString(),
        closesAt: new Date(clock.getTime() + DAY).toISOString(),
        prizes: [{ name: 'Pen', count: 1, weight: 1 }],
      },
    });
    const entry = await asMember(bo, ENTER, { input: { lotteryId: lottery.data.createLottery.id, idempotencyKey: randomUUID() } });
    expect(entry.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', sanction: 'BAN', restrictedUntil: endsAt });
    expect(entry.errors?.[0]?.message).toContain(`until ${endsAt}`);
  });
});

describe('sanction events out of order', () => {
  it('a SanctionLifted that arrives before its SanctionApplied leaves Chen free to redeem', async () => {
    const chen = demo('Chen');
    await give(chen, 100);
    const item = await createItem({ title: 'Bookmark', pricePoints: 10, stock: 10 });
    const sanctionId = randomUUID();
    await publishToPoints(
      stack,
      'SanctionLifted',
      { sanctionId, memberId: chen, kind: 'RESTRICTED_BENEFITS', reason: 'appeal' },
      clock,
      'moderation',
    );
    await stack.drainEvents();
    await publishToPoints(
      stack,
      'SanctionApplied',
      { sanctionId, memberId: chen, kind: 'RESTRICTED_BENEFITS', effectiveAt: clock.toISOString(), endsAt: null },
      clock,
      'moderation',
    );
    await stack.drainEvents();
    expect((await asMember(chen, REDEEM, { input: { itemId: item.id, idempotencyKey: randomUUID() } })).errors).toBeUndefined();
  });
});

describe('referrals', () => {
  it("Dee names Ana as her referrer; when Dee's first order is paid both earn, and Dee gets the first-order task", async () => {
    const [dee, ana] = [demo('Dee'), demo('Ana')];
    expect((await asMember(dee, 'mutation($r: ID!) { recordReferral(referrerId: $r) }', { r: dee })).errors?.[0]?.extensions?.code).toBe(
      'BAD_USER_INPUT',
    );
    expect((await asMember(dee, 'mutation($r: ID!) { recordReferral(referrerId: $r) }', { r: ana })).errors).toBeUndefined();
    expect(
      (await asMember(dee, 'mutation($r: ID!) { recordReferral(referrerId: $r) }', { r: demo('Bo') })).errors?.[0]?.extensions?.code,
    ).toBe('CONFLICT');
    const [deeBefore, anaBefore] = [await balanceOf(dee), await balanceOf(ana)];
    await publishToPoints(
      stack,
      'OrderPaid',
      { orderId: randomUUID(), memberId: dee, amount: 5_000, currency: 'CNY', paidAt: clock.toISOString() },
      clock,
    );
    await stack.drainEvents();
    // 50 for the order (no window: available at once), 100 first-order task, 100 referee bonus.
    expect(await balanceOf(dee)).toBe(deeBefore + 50 + 100 + 100);
    expect(await balanceOf(ana)).toBe(anaBefore + 200);
  });

  it("a circular referral is refused: Xu referred Yan, so Yan cannot be Xu's referrer... and Xu cannot be Yan's", async () => {
    // Real members: the gateway lets only a signed-in member with a live session act.
    const register = async (name: string) => {
      const res = await stack.gql('mutation ($input: RegisterInput!) { register(input: $input) { member { id } } }', {
        input: { email: `${name}-${randomUUID().slice(0, 8)}@example.com`, password: 'Tea-ceremony-2026', displayName: name },
      });
      expect(res.body.errors).toBeUndefined();
      return res.body.data.register.member.id as string;
    };
    const [xu, yan] = [await register('Xu'), await register('Yan')];
    await stack.drainEvents();
    expect((await asMember(yan, 'mutation($r: ID!) { recordReferral(referrerId: $r) }', { r: xu })).errors).toBeUndefined();
    const circular = await asMember(xu, 'mutation($r: ID!) { recordReferral(referrerId: $r) }', { r: yan });
    expect(circular.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(circular.errors?.[0]?.message).toContain('circular');
  });
});

describe('the leaderboard', () => {
  it("shows only members who opted in, by the name they chose, with this month's points", async () => {
    const dee = demo('Dee');
    expect((await asMember(dee, 'mutation { setLeaderboardName(name: "Tea Lover") }')).errors).toBeUndefined();
    const board = await asMember(demo('Ana'), 'query { pointsLeaderboard(first: 10) { rank name points } }');
    expect(board.errors).toBeUndefined();
    expect(board.data.pointsLeaderboard).toEqual([{ rank: 1, name: 'Tea Lover', points: expect.any(Number) }]);
    expect(board.data.pointsLeaderboard[0].points).toBeGreaterThan(0);
  });
});

describe('expiry', () => {
  it('points earned in 2026 are announced 30 days before the end of 2027 and expire on 1 January 2028, not a day earlier', async () => {
    const ana = demo('Ana');
    const soon = await asMember(ana, 'query { me { pointsBalance pointsExpiringSoon { points expiresAt } } }');
    expect(soon.data.me.pointsExpiringSoon).toEqual([]);
    const balance = soon.data.me.pointsBalance as number;

    clock = new Date('2027-12-05T00:00:00.000Z');
    await stack.jobs.tick(clock);
    const now = await asMember(ana, 'query { me { pointsBalance pointsExpiringSoon { points expiresAt } } }');
    expect(now.data.me.pointsExpiringSoon).toEqual([{ points: balance, expiresAt: '2027-12-31T23:59:59.999Z' }]);
    const notices = await stack.database.db.select().from(outbox).where(eq(outbox.type, 'PointsExpiring'));
    expect(notices.map((n) => n.payload)).toContainEqual({ memberId: ana, points: balance, expiresAt: '2027-12-31T23:59:59.999Z' });

    clock = new Date('2027-12-31T23:00:00.000Z');
    await stack.jobs.tick(clock);
    expect(await balanceOf(ana)).toBe(balance);
    clock = new Date('2028-01-01T00:30:00.000Z');
    await stack.jobs.tick(clock);
    expect(await balanceOf(ana)).toBe(0);
    const history = await asMember(ana, 'query { me { pointsHistory(first: 1) { edges { node { delta kind reason } } } } }');
    expect(history.data.me.pointsHistory.edges[0].node).toEqual({ delta: -balance, kind: 'EXPIRE', reason: 'EXPIRY' });
  });
});
