import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sql } from '@membership/db';
import type { TestStack } from '@membership/testing';
import { useTestStack } from '@membership/testing/per-file';
import { reevaluateAll } from '../src/db/reevaluation.js';
import { publishToTiers, registerMember } from './helpers.js';

// Real time to start with: the gateway checks access tokens against the wall clock.
let clock = new Date();
const DAY = 86_400_000;
const advanceDays = (days: number) => (clock = new Date(clock.getTime() + days * DAY));
const daysFrom = (at: Date, days: number) => new Date(at.getTime() + days * DAY);
let stack: TestStack;
useTestStack({ now: () => clock, beforeEachTest: () => (clock = new Date(clock.getTime() + 1000)), started: (s) => (stack = s) });

const STATUS = /* GraphQL */ `
  query {
    me {
      tier {
        code
      }
      tierStatus {
        tier {
          code
        }
        earnedTier {
          code
        }
        loweredBySanction
        upgradesBlocked
        scheduledDowngrade {
          to {
            code
          }
          at
        }
        evaluation {
          ruleVersion
          evaluatedAt
          windowStart
          qualifyingSpend
          currency
          purchases
          repeatPurchases
          monthsWithPurchase
          checkIns
          activities
          reviews
          shares
          violations
          creditScore
          spendScore
          activityScore
          loyaltyScore
          score
        }
        next {
          tier {
            code
          }
          minScore
          minCreditScore
          missingScore
          spendToClose
          currency
          missingCreditScore
        }
        explanation
      }
    }
  }
`;
const INBOX = `{ me { inbox(first: 20) { edges { node { kind title body } } } } }`;

async function statusOf(member: { token: string }) {
  const res = await stack.gql(STATUS, {}, { token: member.token });
  expect(res.body.errors).toBeUndefined();
  return res.body.data.me as {
    tier: { code: string };
    tierStatus: {
      tier: { code: string };
      earnedTier: { code: string } | null;
      loweredBySanction: boolean;
      upgradesBlocked: boolean;
      scheduledDowngrade: { to: { code: string }; at: string } | null;
      evaluation: Record<string, number | string>;
      next: Record<string, unknown> | null;
      explanation: string[];
    };
  };
}

async function tierChangesOf(
  memberId: string,
): Promise<{ from: string | null; to: string; reason: string; pointsMultiplierPercent: number | null }[]> {
  const rows = await stack.database.rows<{
    payload: { from: string | null; to: string; reason: string; pointsMultiplierPercent: number | null };
  }>(
    sql`select payload from tiers.outbox where type = 'TierChanged' and payload ->> 'memberId' = ${memberId} order by (payload ->> 'from') is not null, occurred_at, id`,
  );
  return rows.map((r) => r.payload);
}

const paid = (memberId: string, amount: number, at: Date, extra: { orderId?: string; returnWindowEndsAt?: Date | null } = {}) => ({
  orderId: extra.orderId ?? randomUUID(),
  memberId,
  amount,
  currency: 'CNY',
  paidAt: at.toISOString(),
  method: 'online' as const,
  returnWindowEndsAt: extra.returnWindowEndsAt?.toISOString() ?? null,
});

describe('an order paid that crosses a threshold', () => {
  it("upgrades Fei at once, with TierChanged carrying the new tier's multiplier, and the explanation's numbers are the inputs", async () => {
    const fei = await registerMember(stack, 'Fei');
    await publishToTiers(stack, 'OrderPaid', paid(fei.id, 90_000, clock), clock);
    await stack.drainEvents();
    expect((await statusOf(fei)).tier.code).toBe('BRONZE');

    await publishToTiers(stack, 'OrderPaid', paid(fei.id, 10_000, clock), clock);
    await stack.drainEvents();
    const me = await statusOf(fei);
    expect(me.tier.code).toBe('SILVER');
    // 100,000 minor units → 1,000 points; one month with a purchase → 50; one repeat purchase → 20.
    expect(me.tierStatus.evaluation).toMatchObject({
      ruleVersion: 1,
      qualifyingSpend: 100_000,
      currency: 'CNY',
      purchases: 2,
      repeatPurchases: 1,
      monthsWithPurchase: 1,
      checkIns: 0,
      violations: 0,
      creditScore: 100,
      spendScore: 1_000,
      activityScore: 0,
      loyaltyScore: 70,
      score: 1_070,
    });
    expect(me.tierStatus.next).toEqual({
      tier: { code: 'GOLD' },
      minScore: 5_000,
      minCreditScore: 70,
      missingScore: 3_930,
      spendToClose: 393_000,
      currency: 'CNY',
      missingCreditScore: 0,
    });
    expect(me.tierStatus.explanation).toEqual(
      expect.arrayContaining([
        expect.stringContaining('1000.00 CNY of qualifying spend in 2 paid orders over 1 month'),
        'That is a score of 1070: 1000 from spend, 0 from activity and 70 from loyalty.',
        'Gold needs a score of 5000 and a credit score of 70: you need 3930 more score points (for example 3930.00 CNY more qualifying spend).',
      ]),
    );
    const changes = await tierChangesOf(fei.id);
    expect(changes).toHaveLength(2);
    expect(changes).toEqual(
      expect.arrayContaining([
        { memberId: fei.id, from: null, to: 'BRONZE', reason: 'registered', pointsMultiplierPercent: 100 },
        { memberId: fei.id, from: 'BRONZE', to: 'SILVER', reason: 'qualifying_spend', pointsMultiplierPercent: 125 },
      ]),
    );
  });
});

describe('events delivered twice or out of order', () => {
  it('the same OrderPaid delivered twice, and told again under another event id, counts once', async () => {
    const gus = await registerMember(stack, 'Gus');
    const order = paid(gus.id, 120_000, clock);
    const eventId = await publishToTiers(stack, 'OrderPaid', order, clock);
    await stack.drainEvents();
    await publishToTiers(stack, 'OrderPaid', order, clock, eventId);
    await publishToTiers(stack, 'OrderPaid', order, clock);
    await stack.drainEvents();
    const me = await statusOf(gus);
    expect(me.tierStatus.evaluation).toMatchObject({ qualifyingSpend: 120_000, purchases: 1 });
    expect((await tierChangesOf(gus.id)).map((c) => c.to)).toEqual(['BRONZE', 'SILVER']);
  });

  it("a refund that arrives before its order still lowers that order's spend", async () => {
    const hua = await registerMember(stack, 'Hua');
    const orderId = randomUUID();
    await publishToTiers(
      stack,
      'RefundCompleted',
      {
        refundId: randomUUID(),
        orderId,
        memberId: hua.id,
        amount: 30_000,
        currency: 'CNY',
        orderAmount: 110_000,
        completedAt: clock.toISOString(),
      },
      clock,
    );
    await stack.drainEvents();
    await publishToTiers(stack, 'OrderPaid', paid(hua.id, 110_000, clock, { orderId }), clock);
    await stack.drainEvents();
    const me = await statusOf(hua);
    // 80,000 net: 800 + 50 → still Bronze; without the refund it would have been Silver.
    expect(me.tierStatus.evaluation).toMatchObject({ qualifyingSpend: 80_000, score: 850 });
    expect(me.tier.code).toBe('BRONZE');
  });

  it('a member whose order arrives before their registration is evaluated when they register', async () => {
    // Events for an id tiers does not know yet wait as facts; registration evaluates them.
    const early = await registerMember(stack, 'Ivo');
    await stack.database.rows(sql`delete from tiers.member_tiers where member_id = ${early.id}`);
    await publishToTiers(stack, 'OrderPaid', paid(early.id, 500_000, clock), clock);
    await stack.drainEvents();
    await publishToTiers(stack, 'MemberRegistered', { memberId: early.id, registeredAt: clock.toISOString(), channel: 'email' }, clock);
    await stack.drainEvents();
    expect((await statusOf(early)).tier.code).toBe('GOLD');
  });
});

describe('refunds', () => {
  it('a refund inside the return window that takes Jun below Silver reverses the upgrade at once; his explanation shows the lower spend', async () => {
    const jun = await registerMember(stack, 'Jun');
    const first = paid(jun.id, 60_000, clock);
    const second = paid(jun.id, 40_000, clock, { returnWindowEndsAt: daysFrom(clock, 7) });
    await publishToTiers(stack, 'OrderPaid', first, clock);
    await publishToTiers(stack, 'OrderPaid', second, clock);
    await stack.drainEvents();
    expect((await statusOf(jun)).tier.code).toBe('SILVER');

    advanceDays(2);
    await publishToTiers(
      stack,
      'RefundCompleted',
      {
        refundId: randomUUID(),
        orderId: second.orderId,
        memberId: jun.id,
        amount: 40_000,
        currency: 'CNY',
        orderAmount: 40_000,
        completedAt: clock.toISOString(),
      },
      clock,
    );
    await stack.drainEvents();
    const me = await statusOf(jun);
    expect(me.tier.code).toBe('BRONZE');
    expect(me.tierStatus.evaluation).toMatchObject({ qualifyingSpend: 60_000, purchases: 1, score: 650 });
    expect((await tierChangesOf(jun.id)).map((c) => [c.to, c.reason]).slice(-1)).toEqual([['BRONZE', 'refund']]);
  });

  it('a refund after the return window lowers the score, and the tier waits for the periodic evaluation', async () => {
    const kai = await registerMember(stack, 'Kai');
    const order = paid(kai.id, 100_000, clock);
    await publishToTiers(stack, 'OrderPaid', order, clock);
    await stack.drainEvents();
    await publishToTiers(
      stack,
      'RefundCompleted',
      {
        refundId: randomUUID(),
        orderId: order.orderId,
        memberId: kai.id,
        amount: 10_000,
        currency: 'CNY',
        orderAmount: 100_000,
        completedAt: clock.toISOString(),
      },
      clock,
    );
    await stack.drainEvents();
    const me = await statusOf(kai);
    expect(me.tier.code).toBe('SILVER');
    expect(me.tierStatus.earnedTier?.code).toBe('BRONZE');
    expect(me.tierStatus.evaluation).toMatchObject({ qualifyingSpend: 90_000, score: 950 });
  });
});

describe('activity', () => {
  it('reviews and activities count by their weights and upgrade at once', async () => {
    const lan = await registerMember(stack, 'Lan');
    await publishToTiers(stack, 'OrderPaid', paid(lan.id, 80_000, clock), clock);
    for (let i = 0; i < 5; i++)
      await publishToTiers(
        stack,
        'MemberActivityRecorded',
        { memberId: lan.id, kind: 'review', occurredAt: new Date(clock.getTime() - i * 1000).toISOString() },
        clock,
      );
    await stack.drainEvents();
    expect((await statusOf(lan)).tier.code).toBe('BRONZE'); // 800 + 50 + 50 = 900
    await publishToTiers(stack, 'MemberActivityRecorded', { memberId: lan.id, kind: 'activity', occurredAt: clock.toISOString() }, clock);
    await publishToTiers(stack, 'MemberActivityRecorded', { memberId: lan.id, kind: 'check_in', occurredAt: clock.toISOString() }, clock);
    await stack.drainEvents();
    const me = await statusOf(lan);
    expect(me.tierStatus.evaluation).toMatchObject({ reviews: 5, activities: 1, checkIns: 1, activityScore: 71, score: 921 });
    expect(me.tier.code).toBe('BRONZE');
    for (let i = 0; i < 4; i++)
      await publishToTiers(
        stack,
        'MemberActivityRecorded',
        { memberId: lan.id, kind: 'activity', occurredAt: new Date(clock.getTime() - (i + 1) * 1000).toISOString() },
        clock,
      );
    await stack.drainEvents();
    const after = await statusOf(lan);
    expect(after.tier.code).toBe('SILVER');
    expect((await tierChangesOf(lan.id)).map((c) => [c.to, c.reason]).slice(-1)).toEqual([['SILVER', 'activity']]);
  });
});

describe('sanctions', () => {
  it('a DOWNGRADE sanction lowers Mei from Gold to Silver at once; lifting it on appeal restores Gold', async () => {
    const mei = await registerMember(stack, 'Mei');
    await publishToTiers(stack, 'OrderPaid', paid(mei.id, 600_000, clock), clock);
    await stack.drainEvents();
    expect((await statusOf(mei)).tier.code).toBe('GOLD');

    advanceDays(0.001);
    const sanctionId = randomUUID();
    await publishToTiers(
      stack,
      'SanctionApplied',
      { sanctionId, memberId: mei.id, kind: 'DOWNGRADE', effectiveAt: clock.toISOString(), endsAt: null },
      clock,
    );
    await stack.drainEvents();
    let me = await statusOf(mei);
    expect(me.tier.code).toBe('SILVER');
    expect(me.tierStatus).toMatchObject({ loweredBySanction: true, upgradesBlocked: true });
    // The violation costs 30 credit points: 70 still meets Gold's credit score, so only the sanction holds her down.
    expect(me.tierStatus.evaluation).toMatchObject({ violations: 1, creditScore: 70 });

    // An order paid while the sanction is in force upgrades nothing.
    await publishToTiers(stack, 'OrderPaid', paid(mei.id, 100_000, clock), clock);
    await stack.drainEvents();
    expect((await statusOf(mei)).tier.code).toBe('SILVER');

    advanceDays(1);
    await publishToTiers(stack, 'SanctionLifted', { sanctionId, memberId: mei.id, kind: 'DOWNGRADE', reason: 'appeal' }, clock);
    await stack.drainEvents();
    me = await statusOf(mei);
    expect(me.tier.code).toBe('GOLD');
    // Reversed on appeal: no violation.
    expect(me.tierStatus.evaluation).toMatchObject({ violations: 0, creditScore: 100 });
    expect((await tierChangesOf(mei.id)).map((c) => [c.from, c.to, c.reason, c.pointsMultiplierPercent])).toEqual([
      [null, 'BRONZE', 'registered', 100],
      ['BRONZE', 'GOLD', 'qualifying_spend', 150],
      ['GOLD', 'SILVER', 'sanction', 125],
      ['SILVER', 'GOLD', 'sanction_lifted', 150],
    ]);
  });

  it('a lifting that arrives before its sanction leaves the tier alone', async () => {
    const nia = await registerMember(stack, 'Nia');
    await publishToTiers(stack, 'OrderPaid', paid(nia.id, 600_000, clock), clock);
    const sanctionId = randomUUID();
    await publishToTiers(stack, 'SanctionLifted', { sanctionId, memberId: nia.id, kind: 'DOWNGRADE', reason: 'staff' }, clock);
    await publishToTiers(
      stack,
      'SanctionApplied',
      { sanctionId, memberId: nia.id, kind: 'DOWNGRADE', effectiveAt: clock.toISOString(), endsAt: null },
      clock,
    );
    await stack.drainEvents();
    const me = await statusOf(nia);
    expect(me.tier.code).toBe('GOLD');
    expect(me.tierStatus.loweredBySanction).toBe(false);
  });

  it('a RESTRICTED_BENEFITS sanction blocks the upgrade an order would give; lifting it upgrades', async () => {
    const oli = await registerMember(stack, 'Oli');
    const sanctionId = randomUUID();
    await publishToTiers(
      stack,
      'SanctionApplied',
      { sanctionId, memberId: oli.id, kind: 'RESTRICTED_BENEFITS', effectiveAt: clock.toISOString(), endsAt: null },
      clock,
    );
    await publishToTiers(stack, 'OrderPaid', paid(oli.id, 200_000, clock), clock);
    await stack.drainEvents();
    let me = await statusOf(oli);
    expect(me.tier.code).toBe('BRONZE');
    expect(me.tierStatus).toMatchObject({ earnedTier: { code: 'SILVER' }, upgradesBlocked: true });
    expect(me.tierStatus.explanation).toContain('A sanction in force blocks upgrades until it is lifted.');
    await publishToTiers(stack, 'SanctionLifted', { sanctionId, memberId: oli.id, kind: 'RESTRICTED_BENEFITS', reason: 'expired' }, clock);
    await stack.drainEvents();
    me = await statusOf(oli);
    expect(me.tier.code).toBe('SILVER');
  });
});

describe('periodic re-evaluation and downgrades', () => {
  it("announces Pia's downgrade with a notice, keeps her Gold through the grace period, and downgrades her after it", async () => {
    const pia = await registerMember(stack, 'Pia');
    // An order paid 360 days ago: it leaves the 365-day window in 5 days.
    const start = clock;
    await publishToTiers(stack, 'OrderPaid', paid(pia.id, 600_000, daysFrom(start, -360)), clock);
    await stack.drainEvents();
    expect((await statusOf(pia)).tier.code).toBe('GOLD');

    advanceDays(6);
    const announced = (await stack.jobs.tick(clock)).find((r) => r.job === 'tiers.reevaluation');
    expect(announced).toMatchObject({ status: 'ok' });
    expect(announced?.result).toMatchObject({ downgradesAnnounced: expect.any(Number) });
    await stack.drainEvents();
    let me = await statusOf(pia);
    expect(me.tier.code).toBe('GOLD');
    const dueAt = daysFrom(clock, 30);
    expect(me.tierStatus.scheduledDowngrade).toEqual({ to: { code: 'BRONZE' }, at: dueAt.toISOString() });
    expect(me.tierStatus.evaluation).toMatchObject({ qualifyingSpend: 0, score: 0 });
    const inbox = await stack.gql(INBOX, {}, { token: pia.token });
    expect(inbox.body.data.me.inbox.edges.map((e: { node: { title: string } }) => e.node.title)).toContain(
      `Your tier will change to BRONZE on ${dueAt.toISOString().slice(0, 10)}`,
    );

    // Still inside the grace period: no downgrade, and no second notice.
    advanceDays(29);
    await stack.jobs.tick(clock);
    await stack.drainEvents();
    me = await statusOf(pia);
    expect(me.tier.code).toBe('GOLD');
    const notices = await stack.database.rows<{ n: number | string }>(
      sql`select count(*) as n from tiers.outbox where type = 'MemberNoticeRequested' and payload ->> 'memberId' = ${pia.id}`,
    );
    expect(Number(notices[0]!.n)).toBe(1);

    advanceDays(1);
    await stack.jobs.tick(clock);
    await stack.drainEvents();
    me = await statusOf(pia);
    expect(me.tier.code).toBe('BRONZE');
    expect((await tierChangesOf(pia.id)).map((c) => [c.from, c.to, c.reason, c.pointsMultiplierPercent]).slice(-1)).toEqual([
      ['GOLD', 'BRONZE', 'reevaluation', 100],
    ]);
  });

  it('a member who reaches their tier again before the date keeps it: the announced downgrade is cancelled', async () => {
    const quan = await registerMember(stack, 'Quan');
    await publishToTiers(stack, 'OrderPaid', paid(quan.id, 150_000, daysFrom(clock, -364)), clock);
    await stack.drainEvents();
    advanceDays(2);
    await reevaluateAll(stack.database.db, clock, 30);
    expect((await statusOf(quan)).tierStatus.scheduledDowngrade?.to.code).toBe('BRONZE');
    await publishToTiers(stack, 'OrderPaid', paid(quan.id, 100_000, clock), clock);
    await stack.drainEvents();
    const me = await statusOf(quan);
    expect(me.tier.code).toBe('SILVER');
    expect(me.tierStatus.scheduledDowngrade).toBeNull();
  });

  it('re-evaluating everyone twice at the same moment changes nothing the second time', async () => {
    advanceDays(1);
    const snapshot = async () => ({
      members: await stack.database.rows(sql`select * from tiers.member_tiers order by member_id`),
      outbox: await stack.database.rows(sql`select count(*)::int as n from tiers.outbox`),
      history: await stack.database.rows(sql`select count(*)::int as n from tiers.tier_evaluations`),
    });
    await reevaluateAll(stack.database.db, clock, 30);
    const once = await snapshot();
    const second = await reevaluateAll(stack.database.db, clock, 30);
    expect(second).toEqual({ updated: 0, tierChanges: 0, downgradesAnnounced: 0 });
    expect(await snapshot()).toEqual(once);
  });

  it('for members with every kind of fact, the set-based re-evaluation agrees with the events to the last number', async () => {
    const ids = Array.from({ length: 6 }, () => randomUUID());
    for (const id of ids)
      await publishToTiers(stack, 'MemberRegistered', { memberId: id, registeredAt: clock.toISOString(), channel: 'email' }, clock);
    await stack.drainEvents();
    for (const [n, id] of ids.entries()) {
      for (let k = 0; k <= n; k++) {
        const order = paid(id, 40_000 * (n + 1) + k * 1_337, daysFrom(clock, -(k * 45 + n)));
        await publishToTiers(stack, 'OrderPaid', order, clock);
        if ((n + k) % 3 === 0) {
          await publishToTiers(
            stack,
            'RefundCompleted',
            {
              refundId: randomUUID(),
              orderId: order.orderId,
              memberId: id,
              amount: 7_001 * (k + 1),
              currency: 'CNY',
              orderAmount: order.amount,
              completedAt: clock.toISOString(),
            },
            clock,
          );
        }
      }
      const kinds = ['check_in', 'activity', 'review', 'share'] as const;
      for (let a = 0; a < n * 3; a++)
        await publishToTiers(
          stack,
          'MemberActivityRecorded',
          { memberId: id, kind: kinds[a % 4]!, occurredAt: new Date(clock.getTime() - a * 60_000).toISOString() },
          clock,
        );
      if (n % 2 === 1) {
        const sanctionId = randomUUID();
        const kind = (['WARNING', 'BAN', 'RESTRICTED_BENEFITS'] as const)[n % 3]!;
        await publishToTiers(
          stack,
          'SanctionApplied',
          { sanctionId, memberId: id, kind, effectiveAt: clock.toISOString(), endsAt: null },
          clock,
        );
        if (n === 5) await publishToTiers(stack, 'SanctionLifted', { sanctionId, memberId: id, kind, reason: 'appeal' }, clock);
      }
    }
    await stack.drainEvents();
    const rowsOf = () =>
      stack.database.rows(
        sql`select * from tiers.member_tiers where member_id in (${sql.join(
          ids.map((id) => sql`${id}::uuid`),
          sql`, `,
        )}) order by member_id`,
      );
    const before = await rowsOf();
    // The numbers differ between members: the check is not comparing zeros.
    expect(new Set(before.map((r) => (r as { score: number }).score)).size).toBe(6);
    await reevaluateAll(stack.database.db, clock, 30);
    // The same numbers; the only thing the job adds is what events never do: announcing the
    // downgrade of a member whose numbers fell below their tier (here the one with a BAN).
    const numbers = (rows: Record<string, unknown>[]) =>
      rows.map(({ downgrade_due_at: _d, downgrade_to: _t, evaluated_at: _e, ...rest }) => rest);
    const after = (await rowsOf()) as Record<string, unknown>[];
    expect(numbers(after)).toEqual(numbers(before as Record<string, unknown>[]));
    const announced = after.filter((r) => r.downgrade_to !== null);
    expect(announced.map((r) => [r.earned_tier, r.downgrade_to, r.credit_score])).toEqual([['BRONZE', 'BRONZE', 50]]);
  });

  it('the set-based re-evaluation finds the same numbers the events did: right after the events, it changes nothing', async () => {
    const rae = await registerMember(stack, 'Rae');
    await publishToTiers(stack, 'OrderPaid', paid(rae.id, 230_000, clock), clock);
    await publishToTiers(stack, 'OrderPaid', paid(rae.id, 20_000, daysFrom(clock, -40)), clock);
    await publishToTiers(stack, 'MemberActivityRecorded', { memberId: rae.id, kind: 'share', occurredAt: clock.toISOString() }, clock);
    await publishToTiers(
      stack,
      'SanctionApplied',
      { sanctionId: randomUUID(), memberId: rae.id, kind: 'WARNING', effectiveAt: clock.toISOString(), endsAt: null },
      clock,
    );
    await stack.drainEvents();
    const before = await stack.database.rows(sql`select * from tiers.member_tiers where member_id = ${rae.id}`);
    await reevaluateAll(stack.database.db, clock, 30);
    expect(await stack.database.rows(sql`select * from tiers.member_tiers where member_id = ${rae.id}`)).toEqual(before);
    expect((await statusOf(rae)).tierStatus.evaluation).toMatchObject({
      qualifyingSpend: 250_000,
      purchases: 2,
      shares: 1,
      violations: 1,
      creditScore: 95,
    });
  });
});
