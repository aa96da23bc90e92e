import { describe, expect, it } from 'vitest';
import { sql } from '@membership/db';
import type { TestStack } from '@membership/testing';
import { useTestStack } from '@membership/testing/per-file';

/**
 * Staff version the evaluation rules: a new version is checked, logged, listed, and used
 * from its date (the periodic re-evaluation moves members under it, with the usual notice
 * and grace period before a downgrade), never before.
 */

let clock = new Date();
const DAY = 86_400_000;
let stack: TestStack;
useTestStack({ now: () => clock, beforeEachTest: () => (clock = new Date(clock.getTime() + 1000)), started: (s) => (stack = s) });

const LEE = '00000000-0000-4000-8000-0000000001ee';
/** Lee runs the programme: staff with tiers:manage. */
const lee = () => stack.staffToken(['tiers:manage'], LEE);
/** Chen on support reads the rules but may not change them. */
const support = () => stack.staffToken(['tiers:read']);
const chen = () => stack.demo.find((m) => m.displayName === 'Chen')!;
const codeOf = (res: { body: { errors?: { extensions?: { code?: string } }[] } }) => res.body.errors?.[0]?.extensions?.code;

const CREATE = /* GraphQL */ `
  mutation ($input: CreateTierRuleVersionInput!) {
    createTierRuleVersion(input: $input) {
      version
      effectiveFrom
      inForce
      currency
      windowDays
      spendPerPoint
      activityWeights {
        checkIn
        activity
        review
        share
      }
      purchaseMonthWeight
      repeatPurchaseWeight
      creditBase
      violationPenalties {
        warning
        restrictedBenefits
        downgrade
        ban
      }
      requirements {
        tier
        ruleVersion
        minScore
        minCreditScore
      }
      createdBy
      reason
    }
  }
`;
const VERSIONS = `{ tierRuleVersions { version effectiveFrom inForce createdBy reason requirements { tier minScore } activityWeights { review } } }`;
const LADDER = `{ tiers { code minQualifyingSpend requirements { ruleVersion minScore } } }`;
const CHEN_STATUS = `{ me { tier { code } tierStatus { evaluation { ruleVersion score } earnedTier { code } scheduledDowngrade { to { code } at } } } }`;

/** Requirements as rule version 1 has them, with Silver's score set to `silver`. */
const requirements = (silver: number) => [
  { tier: 'BRONZE', minScore: 0, minCreditScore: 0 },
  { tier: 'SILVER', minScore: silver, minCreditScore: 60 },
  { tier: 'GOLD', minScore: 5_000, minCreditScore: 70 },
  { tier: 'PLATINUM', minScore: 15_000, minCreditScore: 80 },
  { tier: 'DIAMOND', minScore: 50_000, minCreditScore: 90 },
];
const ruleRows = async () =>
  Number((await stack.database.rows<{ n: number | string }>(sql`select count(*) as n from tiers.rule_versions`))[0]!.n);
const chenStatus = async () => (await stack.gql(CHEN_STATUS, {}, { token: await stack.memberToken(chen().id) })).body.data.me;

describe('staff add a version of the tier rules', () => {
  let chenScore: number;
  let effectiveAt: string;

  it('Chen (member, Silver) is evaluated under rule version 1', async () => {
    await stack.drainEvents();
    const status = await chenStatus();
    expect(status.tier.code).toBe('SILVER');
    expect(status.tierStatus.evaluation.ruleVersion).toBe(1);
    chenScore = status.tierStatus.evaluation.score;
    // The test raises Silver just above Chen's score, which must leave room below Gold.
    expect(chenScore).toBeGreaterThanOrEqual(1_000);
    expect(chenScore + 1).toBeLessThan(5_000);
  });

  it('support staff with tiers:read only cannot add a version: FORBIDDEN, nothing written', async () => {
    const res = await stack.gql(
      CREATE,
      {
        input: {
          effectiveAt: new Date(clock.getTime() + 40 * DAY).toISOString(),
          reason: 'Raise Silver',
          requirements: requirements(2_000),
        },
      },
      { token: await support() },
    );
    expect(codeOf(res)).toBe('FORBIDDEN');
    expect(await ruleRows()).toBe(1);
  });

  it('Lee cannot set new rules less than 30 days ahead: BAD_USER_INPUT naming the earliest date', async () => {
    const res = await stack.gql(
      CREATE,
      {
        input: {
          effectiveAt: new Date(clock.getTime() + 29 * DAY).toISOString(),
          reason: 'Raise Silver',
          requirements: requirements(2_000),
        },
      },
      { token: await lee() },
    );
    expect(codeOf(res)).toBe('BAD_USER_INPUT');
    expect(res.body.errors?.[0]?.message).toMatch(/at least 30 days ahead: the earliest date is/);
    expect(await ruleRows()).toBe(1);
  });

  it('Lee cannot make Silver need more than Gold, or give a negative weight: BAD_USER_INPUT saying which, nothing written', async () => {
    const input = { effectiveAt: new Date(clock.getTime() + 31 * DAY).toISOString(), reason: 'Raise Silver' };
    const above = await stack.gql(CREATE, { input: { ...input, requirements: requirements(6_000) } }, { token: await lee() });
    expect(codeOf(above)).toBe('BAD_USER_INPUT');
    expect(above.body.errors?.[0]?.message).toBe('GOLD must require a higher score than SILVER (6000); got 5000.');
    const negative = await stack.gql(CREATE, { input: { ...input, activityWeights: { share: -5 } } }, { token: await lee() });
    expect(codeOf(negative)).toBe('BAD_USER_INPUT');
    expect(negative.body.errors?.[0]?.message).toMatch(/share weight must be a whole number from 0/);
    expect(await ruleRows()).toBe(1);
  });

  it("Lee adds version 2 for 31 days ahead: Silver needs one point more than Chen's score, reviews weigh 15; the rest is version 1's", async () => {
    effectiveAt = new Date(clock.getTime() + 31 * DAY).toISOString();
    const res = await stack.gql(
      CREATE,
      {
        input: {
          effectiveAt,
          reason: 'Silver was too easy to reach',
          requirements: requirements(chenScore + 1),
          activityWeights: { review: 15 },
        },
      },
      { token: await lee() },
    );
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.createTierRuleVersion).toEqual({
      version: 2,
      effectiveFrom: effectiveAt,
      inForce: false,
      currency: 'CNY',
      windowDays: 365,
      spendPerPoint: 100,
      activityWeights: { checkIn: 1, activity: 20, review: 15, share: 5 },
      purchaseMonthWeight: 50,
      repeatPurchaseWeight: 20,
      creditBase: 100,
      violationPenalties: { warning: 5, restrictedBenefits: 20, downgrade: 30, ban: 50 },
      requirements: requirements(chenScore + 1).map((r) => ({ ...r, ruleVersion: 2 })),
      createdBy: LEE,
      reason: 'Silver was too easy to reach',
    });
  });

  it('support staff list both versions, newest first: version 1 in force, version 2 scheduled by Lee', async () => {
    const res = await stack.gql(VERSIONS, {}, { token: await support() });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.tierRuleVersions.map((v: Record<string, unknown>) => [v.version, v.inForce, v.createdBy, v.reason])).toEqual([
      [2, false, LEE, 'Silver was too easy to reach'],
      [1, true, null, null],
    ]);
    const member = await stack.gql(VERSIONS, {}, { token: await stack.memberToken(chen().id) });
    expect(codeOf(member)).toBe('FORBIDDEN');
  });

  it('the new version is in the staff operation log: Lee, version 2, what it holds and why', async () => {
    const res = await stack.gql(
      `{ tierStaffOperations { staffId operation targetType targetId after reason } }`,
      {},
      { token: await stack.staffToken(['audit:read']) },
    );
    expect(res.body.errors).toBeUndefined();
    const [op] = res.body.data.tierStaffOperations;
    expect(op).toMatchObject({
      staffId: LEE,
      operation: 'rules.create_version',
      targetType: 'rule_version',
      targetId: '2',
      reason: 'Silver was too easy to reach',
    });
    expect(JSON.parse(op.after)).toMatchObject({
      version: 2,
      effectiveFrom: effectiveAt,
      activityWeights: { review: 15 },
      requirements: expect.arrayContaining([{ tier: 'SILVER', minScore: chenScore + 1, minCreditScore: 60 }]),
    });
  });

  it('a day before the date, the published ladder and every evaluation still use version 1', async () => {
    clock = new Date(Date.parse(effectiveAt) - DAY);
    await stack.jobs.tick(clock);
    await stack.drainEvents();
    const ladder = (await stack.gql(LADDER)).body.data.tiers as {
      code: string;
      minQualifyingSpend: number;
      requirements: { ruleVersion: number; minScore: number };
    }[];
    expect(ladder.find((t) => t.code === 'SILVER')).toEqual({
      code: 'SILVER',
      minQualifyingSpend: 100_000,
      requirements: { ruleVersion: 1, minScore: 1_000 },
    });
    const status = await chenStatus();
    expect(status.tier.code).toBe('SILVER');
    expect(status.tierStatus.evaluation.ruleVersion).toBe(1);
    expect(status.tierStatus.scheduledDowngrade).toBeNull();
  });

  it('from the date, the ladder publishes version 2, and the periodic re-evaluation moves Chen under it: below Silver, a downgrade announced, not applied', async () => {
    clock = new Date(Date.parse(effectiveAt) + 60_000);
    const ladder = (await stack.gql(LADDER)).body.data.tiers as {
      code: string;
      minQualifyingSpend: number;
      requirements: { ruleVersion: number; minScore: number };
    }[];
    expect(ladder.find((t) => t.code === 'SILVER')).toEqual({
      code: 'SILVER',
      minQualifyingSpend: (chenScore + 1) * 100,
      requirements: { ruleVersion: 2, minScore: chenScore + 1 },
    });
    const run = (await stack.jobs.tick(clock)).find((r) => r.job === 'tiers.reevaluation');
    expect(run?.status).toBe('ok');
    await stack.drainEvents();
    const status = await chenStatus();
    expect(status.tier.code).toBe('SILVER');
    expect(status.tierStatus.evaluation).toEqual({ ruleVersion: 2, score: chenScore });
    expect(status.tierStatus.earnedTier.code).toBe('BRONZE');
    expect(status.tierStatus.scheduledDowngrade).toEqual({
      to: { code: 'BRONZE' },
      at: new Date(clock.getTime() + 30 * DAY).toISOString(),
    });
    const [history] = await stack.database.rows<{ rule_version: number }>(
      sql`select rule_version from tiers.tier_evaluations where member_id = ${chen().id} order by evaluated_at desc limit 1`,
    );
    expect(history!.rule_version).toBe(2);
    const versions = (await stack.gql(VERSIONS, {}, { token: await support() })).body.data.tierRuleVersions;
    expect(versions.map((v: { version: number; inForce: boolean }) => [v.version, v.inForce])).toEqual([
      [2, true],
      [1, false],
    ]);
  });

  it('two staff adding version 3 at the same moment: one is made, the other refused; one version 3 exists', async () => {
    const input = {
      input: {
        effectiveAt: new Date(clock.getTime() + 40 * DAY).toISOString(),
        reason: 'Reviews count more',
        activityWeights: { review: 20 },
      },
    };
    const token = await lee();
    const results = await Promise.all([stack.gql(CREATE, input, { token }), stack.gql(CREATE, input, { token })]);
    const outcomes = results.map((r) => (r.body.errors ? codeOf(r) : 'OK')).sort();
    // Interleaved, both build on version 2 and the second insert is a CONFLICT; one after
    // the other, the second would take effect on version 3's date, which is refused.
    expect(outcomes[1]).toBe('OK');
    expect(['CONFLICT', 'BAD_USER_INPUT']).toContain(outcomes[0]);
    expect(await stack.database.rows(sql`select version from tiers.rule_versions where version >= 3`)).toEqual([{ version: 3 }]);
    expect(
      Number(
        (
          await stack.database.rows<{ n: number | string }>(sql`select count(*) as n from tiers.tier_requirements where rule_version = 3`)
        )[0]!.n,
      ),
    ).toBe(5);
  });
});
