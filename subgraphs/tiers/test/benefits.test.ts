import { describe, expect, it } from 'vitest';
import { sql } from '@membership/db';
import type { TestStack } from '@membership/testing';
import { useTestStack } from '@membership/testing/per-file';
import { SHIPPED_BENEFITS } from '../src/domain/benefits.js';
import { RULES_V1 } from '../src/domain/rules.js';

// Real time to start with: the gateway checks access tokens against the wall clock.
let clock = new Date();
const DAY = 86_400_000;
const advanceDays = (days: number) => (clock = new Date(clock.getTime() + days * DAY));
let stack: TestStack;
useTestStack({ now: () => clock, beforeEachTest: () => (clock = new Date(clock.getTime() + 1000)), started: (s) => (stack = s) });

const ana = () => stack.demo[0]!;
const codeOf = (res: { body: { errors?: { extensions?: { code?: string } }[] } }) => res.body.errors?.[0]?.extensions?.code;
/** Lee runs the programme: staff with tiers:manage (the admin role has it). */
const LEE = '00000000-0000-4000-8000-0000000001ee';
const lee = () => stack.staffToken(['tiers:manage', 'tiers:read'], LEE);

const SCHEDULE = /* GraphQL */ `
  mutation ($input: ScheduleBenefitChangeInput!) {
    scheduleBenefitChange(input: $input) {
      changeId
      tier
      benefit
      value
      description
      removes
      effectiveAt
      announcedAt
      reason
    }
  }
`;
const GOLD = `{ tiers { code pointsMultiplier benefits { kind value description effectiveFrom } requirements { ruleVersion minScore minCreditScore } } }`;
const MY_BENEFITS = `{ me { tier { code pointsMultiplier } benefits { kind value description since } } }`;
type TierOut = {
  code: string;
  pointsMultiplier: number;
  benefits: { kind: string; value: number | null; effectiveFrom: string }[];
  requirements: Record<string, number>;
};
const goldOf = async () => ((await stack.gql(GOLD)).body.data.tiers as TierOut[]).find((t) => t.code === 'GOLD')!;

let multiplierChange: { changeId: string; effectiveAt: string };

describe("the tiers' benefits, public", () => {
  it("an anonymous visitor reads each tier's benefits as shipped and its requirements under rule version 1", async () => {
    const res = await stack.gql(GOLD);
    expect(res.body.errors).toBeUndefined();
    for (const tier of res.body.data.tiers as TierOut[]) {
      expect(tier.benefits.map((b) => [b.kind, b.value])).toEqual(
        SHIPPED_BENEFITS.filter((b) => b.tier === tier.code).map((b) => [b.benefit, b.value]),
      );
      const requirement = RULES_V1.requirements.find((r) => r.code === tier.code)!;
      expect(tier.requirements).toEqual({ ruleVersion: 1, minScore: requirement.minScore, minCreditScore: requirement.minCreditScore });
    }
    expect((res.body.data.tiers as TierOut[]).find((t) => t.code === 'DIAMOND')!.benefits.map((b) => b.kind)).toContain(
      'DEDICATED_ADVISOR',
    );
  });

  it('Ana (member, Gold) reads the benefits that apply to her, each since she reached Gold', async () => {
    const res = await stack.gql(MY_BENEFITS, {}, { token: await stack.memberToken(ana().id) });
    expect(res.body.errors).toBeUndefined();
    const since = (await stack.gql('{ me { tierSince } }', {}, { token: await stack.memberToken(ana().id) })).body.data.me.tierSince;
    expect(res.body.data.me.benefits.map((b: { kind: string }) => b.kind)).toEqual(
      SHIPPED_BENEFITS.filter((b) => b.tier === 'GOLD').map((b) => b.benefit),
    );
    expect(new Set(res.body.data.me.benefits.map((b: { since: string }) => b.since))).toEqual(new Set([since]));
  });

  it('Sam (support without tiers:read) gets Ana but not her benefits or tier status: null with FORBIDDEN', async () => {
    const token = await stack.staffToken(['members:read', 'pii:behaviour:read']);
    const res = await stack.gql(
      `query ($id: ID!) { member(id: $id) { id benefits { kind } tierStatus { explanation } } }`,
      { id: ana().id },
      { token, headers: { 'x-access-purpose': 'support' } },
    );
    expect(res.body.data.member).toEqual({ id: ana().id, benefits: null, tierStatus: null });
    expect(res.body.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN', 'FORBIDDEN']);
  });
});

describe('scheduling a benefit change', () => {
  it('Chen (support, tiers:read only) cannot schedule a change: FORBIDDEN, nothing written', async () => {
    const res = await stack.gql(
      SCHEDULE,
      {
        input: {
          tier: 'GOLD',
          benefit: 'POINTS_MULTIPLIER',
          value: 160,
          description: '1.6 points per yuan.',
          effectiveAt: new Date(clock.getTime() + 40 * DAY).toISOString(),
          reason: 'Spring campaign',
        },
      },
      { token: await stack.staffToken(['tiers:read']) },
    );
    expect(codeOf(res)).toBe('FORBIDDEN');
    expect(await stack.database.rows(sql`select * from tiers.benefit_changes`)).toEqual([]);
  });

  it('Lee cannot schedule a change less than 30 days ahead: BAD_USER_INPUT naming the earliest date', async () => {
    const res = await stack.gql(
      SCHEDULE,
      {
        input: {
          tier: 'GOLD',
          benefit: 'POINTS_MULTIPLIER',
          value: 160,
          description: '1.6 points per yuan.',
          effectiveAt: new Date(clock.getTime() + 29 * DAY).toISOString(),
          reason: 'Spring campaign',
        },
      },
      { token: await lee() },
    );
    expect(codeOf(res)).toBe('BAD_USER_INPUT');
    expect(res.body.errors?.[0]?.message).toMatch(/at least 30 days ahead: the earliest date is/);
  });

  it("Lee schedules Gold's multiplier 1.5 → 1.6 for 31 days ahead: the members hear of it now (BenefitChangeAnnounced with the changeId)", async () => {
    const effectiveAt = new Date(clock.getTime() + 31 * DAY).toISOString();
    const res = await stack.gql(
      SCHEDULE,
      {
        input: {
          tier: 'GOLD',
          benefit: 'POINTS_MULTIPLIER',
          value: 160,
          description: '1.6 points per yuan spent.',
          effectiveAt,
          reason: 'Spring campaign for Gold',
        },
      },
      { token: await lee() },
    );
    expect(res.body.errors).toBeUndefined();
    multiplierChange = res.body.data.scheduleBenefitChange;
    expect(res.body.data.scheduleBenefitChange).toMatchObject({
      tier: 'GOLD',
      benefit: 'POINTS_MULTIPLIER',
      value: 160,
      removes: false,
      effectiveAt,
      reason: 'Spring campaign for Gold',
    });

    const [announced] = await stack.database.rows<{ payload: Record<string, unknown> }>(
      sql`select payload from tiers.outbox where type = 'BenefitChangeAnnounced'`,
    );
    expect(announced!.payload).toEqual({
      tier: 'GOLD',
      benefit: 'Points multiplier: 160%',
      effectiveAt,
      changeId: multiplierChange.changeId,
    });
    await stack.drainEvents();
    const inbox = await stack.gql(
      `{ me { inbox(first: 5) { edges { node { kind title } } } } }`,
      {},
      { token: await stack.memberToken(ana().id) },
    );
    expect(inbox.body.data.me.inbox.edges.map((e: { node: { title: string } }) => e.node.title)).toContain(
      'A change to your Gold benefits',
    );
  });

  it('a second change of the same benefit while one waits is a CONFLICT', async () => {
    const res = await stack.gql(
      SCHEDULE,
      {
        input: {
          tier: 'GOLD',
          benefit: 'POINTS_MULTIPLIER',
          value: 170,
          description: '1.7 points.',
          effectiveAt: new Date(clock.getTime() + 60 * DAY).toISOString(),
          reason: 'Second thoughts',
        },
      },
      { token: await lee() },
    );
    expect(codeOf(res)).toBe('CONFLICT');
  });

  it('two staff scheduling the same benefit at the same moment: one change is made, the other is a CONFLICT', async () => {
    const input = (value: number) => ({
      input: {
        tier: 'PLATINUM',
        benefit: 'PRODUCT_TRIALS',
        value,
        description: `${value} products a quarter.`,
        effectiveAt: new Date(clock.getTime() + 40 * DAY).toISOString(),
        reason: 'Trial budget',
      },
    });
    const token = await lee();
    const results = await Promise.all([stack.gql(SCHEDULE, input(3), { token }), stack.gql(SCHEDULE, input(4), { token })]);
    expect(results.map((r) => (r.body.errors ? codeOf(r) : 'OK')).sort()).toEqual(['CONFLICT', 'OK']);
    const rows = await stack.database.rows(
      sql`select * from tiers.benefit_changes where tier_code = 'PLATINUM' and benefit = 'PRODUCT_TRIALS'`,
    );
    expect(rows).toHaveLength(1);
    const opened = await stack.database.rows(
      sql`select * from tiers.tier_benefits where tier_code = 'PLATINUM' and benefit = 'PRODUCT_TRIALS' and change_id is not null`,
    );
    expect(opened).toHaveLength(1);
  });

  it('Lee removes free shipping from Gold from 45 days ahead', async () => {
    const res = await stack.gql(
      SCHEDULE,
      {
        input: {
          tier: 'GOLD',
          benefit: 'FREE_SHIPPING',
          removes: true,
          effectiveAt: new Date(clock.getTime() + 45 * DAY).toISOString(),
          reason: 'Shipping costs rose',
        },
      },
      { token: await lee() },
    );
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.scheduleBenefitChange).toMatchObject({ removes: true, value: null });
  });

  it('the change is in the staff operation log: Lee, the benefit, before and after, the reason', async () => {
    const res = await stack.gql(
      `{ tierStaffOperations { staffId operation targetType targetId after reason } }`,
      {},
      { token: await stack.staffToken(['audit:read']) },
    );
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.tierStaffOperations).toHaveLength(3);
    expect(res.body.data.tierStaffOperations[2]).toMatchObject({
      staffId: LEE,
      operation: 'benefit.schedule_change',
      targetType: 'tier_benefit',
      targetId: 'GOLD/POINTS_MULTIPLIER',
      reason: 'Spring campaign for Gold',
    });
    expect(JSON.parse(res.body.data.tierStaffOperations[2].after)).toMatchObject({ changeId: multiplierChange.changeId, value: 160 });
    const denied = await stack.gql(`{ tierStaffOperations { staffId } }`, {}, { token: await lee() });
    expect(codeOf(denied)).toBe('FORBIDDEN');
  });
});

describe('a scheduled change applies on its date, not before', () => {
  it('a day before the date, Gold still earns 1.5 and ships free, for anonymous visitors and for Ana', async () => {
    advanceDays(30);
    const upcoming = await stack.gql(`{ tiers { code upcomingChanges { changeId benefit effectiveAt } } }`);
    const goldUpcoming = (upcoming.body.data.tiers as { code: string; upcomingChanges: { changeId: string; benefit: string }[] }[]).find(
      (t) => t.code === 'GOLD',
    )!;
    expect(goldUpcoming.upcomingChanges.map((c) => [c.benefit, c.changeId])).toEqual([
      ['POINTS_MULTIPLIER', multiplierChange.changeId],
      ['FREE_SHIPPING', expect.any(String)],
    ]);
    const gold = await goldOf();
    expect(gold.pointsMultiplier).toBe(1.5);
    expect(gold.benefits.find((b) => b.kind === 'POINTS_MULTIPLIER')?.value).toBe(150);
    const mine = await stack.gql(MY_BENEFITS, {}, { token: await stack.memberToken(ana().id) });
    expect(mine.body.data.me.tier.pointsMultiplier).toBe(1.5);
  });

  it('from the date, Gold earns 1.6, Ana holds it since that date, and a tier change carries 160 to points', async () => {
    clock = new Date(multiplierChange.effectiveAt);
    const gold = await goldOf();
    expect(gold.pointsMultiplier).toBe(1.6);
    expect(gold.benefits.find((b) => b.kind === 'POINTS_MULTIPLIER')).toMatchObject({
      value: 160,
      effectiveFrom: multiplierChange.effectiveAt,
    });
    expect(gold.benefits.map((b) => b.kind)).toContain('FREE_SHIPPING');
    const mine = await stack.gql(MY_BENEFITS, {}, { token: await stack.memberToken(ana().id) });
    expect(mine.body.data.me.benefits.find((b: { kind: string }) => b.kind === 'POINTS_MULTIPLIER')).toMatchObject({
      value: 160,
      since: multiplierChange.effectiveAt,
    });
  });

  it('45 days on, Gold no longer ships free', async () => {
    advanceDays(15);
    const upcoming = await stack.gql(`{ tiers { code upcomingChanges { changeId } } }`);
    expect(
      (upcoming.body.data.tiers as { code: string; upcomingChanges: unknown[] }[]).find((t) => t.code === 'GOLD')!.upcomingChanges,
    ).toEqual([]);
    expect((await goldOf()).benefits.map((b) => b.kind)).not.toContain('FREE_SHIPPING');
  });

  it('reading the benefits of four members costs as many SQL statements as reading one', async () => {
    const token = await stack.staffToken(['members:read', 'tiers:read', 'pii:behaviour:read']);
    const count = async (first: number) => {
      const before = stack.database.statementCount();
      const res = await stack.gql(
        `query ($first: Int!) { members(first: $first) { edges { node { id benefits { kind } tierStatus { tier { code } evaluation { score } next { tier { code } } } } } } }`,
        { first },
        { token, headers: { 'x-access-purpose': 'support' } },
      );
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data.members.edges).toHaveLength(first);
      return stack.database.statementCount() - before;
    };
    expect(await count(4)).toBe(await count(1));
  });
});
