import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '@membership/testing';

/** Staff state why they read a member's behaviour (`@pii(category: BEHAVIOUR)`). */
const SUPPORT = { 'x-access-purpose': 'support' };
import { TIER_LADDER } from '../src/domain/tiers.js';
import { StandingRepository } from '../src/db/standing-repository.js';
import { RULES_V1 } from '../src/domain/rules.js';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

const ana = () => stack.demo[0];
const bo = () => stack.demo[1];
const chen = () => stack.demo[2];

const MEMBERS_WITH_TIERS = `query ($first: Int!) {
  members(first: $first) { edges { node { id displayName tier { code } } } }
}`;

type MemberTiers = { members: { edges: { node: { id: string; displayName: string; tier: { code: string } | null } }[] } };
const tierByName = (data: MemberTiers) =>
  Object.fromEntries(data.members.edges.map((e) => [e.node.displayName, e.node.tier?.code ?? null]));

describe('the tier ladder', () => {
  it('an anonymous visitor reads the five published tiers, lowest rank first, as shipped: thresholds from rule version 1, multipliers from the benefits', async () => {
    const res = await stack.gql('{ tiers { code name rank minQualifyingSpend currency pointsMultiplier } }');
    expect(res.body.errors).toBeUndefined();
    const published = {
      BRONZE: [0, 1],
      SILVER: [100_000, 1.25],
      GOLD: [500_000, 1.5],
      PLATINUM: [1_500_000, 1.75],
      DIAMOND: [5_000_000, 2],
    } as const;
    expect(res.body.data.tiers).toEqual(
      TIER_LADDER.map((t) => ({
        code: t.code,
        name: t.name,
        rank: t.rank,
        minQualifyingSpend: published[t.code][0],
        currency: 'CNY',
        pointsMultiplier: published[t.code][1],
      })),
    );
    expect(res.body.data.tiers.map((t: { code: string }) => t.code)).toEqual(['BRONZE', 'SILVER', 'GOLD', 'PLATINUM', 'DIAMOND']);
  });
});

describe('the evaluation rules', () => {
  it('the migrations ship rule version 1 exactly as RULES_V1 says', async () => {
    const rules = await new StandingRepository(stack.database.db).rulesAt(new Date());
    const byRank = <T extends { rank: number }>(list: readonly T[]) => [...list].sort((a, b) => a.rank - b.rank);
    expect({ ...rules, requirements: byRank(rules.requirements) }).toEqual({ ...RULES_V1, requirements: byRank(RULES_V1.requirements) });
  });
});

describe("a member's tier", () => {
  it('Ana (member) reads her own tier: Gold, held since a known time', async () => {
    const res = await stack.gql(
      '{ me { tier { code name pointsMultiplier } tierSince } }',
      {},
      { token: await stack.memberToken(ana().id) },
    );
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.me.tier).toEqual({ code: 'GOLD', name: 'Gold', pointsMultiplier: 1.5 });
    expect(Number.isNaN(Date.parse(res.body.data.me.tierSince))).toBe(false);
  });

  it('Chen (member) is Silver and Bo (member) is still Bronze from registration', async () => {
    const chenRes = await stack.gql('{ me { tier { code } } }', {}, { token: await stack.memberToken(chen().id) });
    const boRes = await stack.gql('{ me { tier { code } } }', {}, { token: await stack.memberToken(bo().id) });
    expect(chenRes.body.data.me.tier.code).toBe('SILVER');
    expect(boRes.body.data.me.tier.code).toBe('BRONZE');
  });

  it('a member who registers through the gateway is Bronze once the events are drained', async () => {
    const register = await stack.gql(`mutation ($input: RegisterInput!) { register(input: $input) { accessToken member { id } } }`, {
      input: { email: 'fei@example.com', password: 'Fei-pass-2026!', displayName: 'Fei' },
    });
    expect(register.body.errors).toBeUndefined();
    await stack.drainEvents();
    const res = await stack.gql('{ me { id tier { code } tierSince } }', {}, { token: register.body.data.register.accessToken });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.me.id).toBe(register.body.data.register.member.id);
    expect(res.body.data.me.tier.code).toBe('BRONZE');
    expect(res.body.data.me.tierSince).not.toBeNull();
  });

  it("support staff with tiers:read and pii:behaviour:read, stating a purpose, see every member's tier", async () => {
    const token = await stack.staffToken(['members:read', 'tiers:read', 'pii:behaviour:read']);
    const res = await stack.gql(MEMBERS_WITH_TIERS, { first: 10 }, { token, headers: SUPPORT });
    expect(res.body.errors).toBeUndefined();
    expect(tierByName(res.body.data)).toMatchObject({ Ana: 'GOLD', Bo: 'BRONZE', Chen: 'SILVER', Dee: 'BRONZE' });
  });

  it('support staff without tiers:read get the members but not their tiers, with FORBIDDEN', async () => {
    const token = await stack.staffToken(['members:read', 'pii:behaviour:read']);
    const res = await stack.gql(MEMBERS_WITH_TIERS, { first: 10 }, { token, headers: SUPPORT });
    const names = res.body.data.members.edges.map((e: { node: { displayName: string } }) => e.node.displayName);
    expect(names).toEqual(expect.arrayContaining(['Ana', 'Bo', 'Chen', 'Dee']));
    expect(Object.values(tierByName(res.body.data)).every((code) => code === null)).toBe(true);
    expect(res.body.errors?.length).toBeGreaterThan(0);
    expect(res.body.errors?.every((e) => e.extensions?.code === 'FORBIDDEN')).toBe(true);
  });

  it('reading the tiers of four members costs as many SQL statements as reading one', async () => {
    const token = await stack.staffToken(['members:read', 'tiers:read', 'pii:behaviour:read']);
    const count = async (first: number) => {
      const before = stack.database.statementCount();
      const res = await stack.gql(MEMBERS_WITH_TIERS, { first }, { token, headers: SUPPORT });
      expect(res.body.data.members.edges).toHaveLength(first);
      return stack.database.statementCount() - before;
    };
    expect(await count(4)).toBe(await count(1));
  });
});
