import { describe, expect, it } from 'vitest';
import { sql } from '@membership/db';
import type { TestStack } from '@membership/testing';
import { useTestStack } from '@membership/testing/per-file';

/**
 * Issue 14's "a sanction forces a downgrade and its reversal restores the tier", end to end:
 * moderators record violations through the gateway, moderation's job applies the sanction
 * at the end of its notice period, tiers lowers the tier at once, and reversing the
 * sanction on appeal gives the tier back (and points the tier's multiplier).
 */

const HOUR = 3_600_000;
let clock = new Date(Math.floor(Date.now() / 1000) * 1000);
const at = (ms: number) => new Date(clock.getTime() + ms);
let stack: TestStack;
useTestStack({ now: () => clock, started: (s) => (stack = s) });

const ana = () => stack.demo.find((m) => m.displayName === 'Ana')!;
const PURPOSE = { 'x-access-purpose': 'moderation' };
const MO = '00000000-0000-4000-8000-0000000001d1';
const ONA = '00000000-0000-4000-8000-0000000001d2';
const moderator = async (id: string) => ({
  token: await stack.staffToken(['members:read', 'moderation:read', 'moderation:write', 'pii:behaviour:read'], id),
  headers: PURPOSE,
});
const asAna = async () => ({ token: await stack.memberToken(ana().id) });

const RECORD = `mutation ($input: RecordViolationInput!) { recordViolation(input: $input) { sanction { id kind startsAt } } }`;
const APPEAL = `mutation ($id: ID!, $statement: String!) { appealSanction(sanctionId: $id, statement: $statement) { id } }`;
const DECIDE = `mutation ($id: ID!, $decision: AppealDecision!, $note: String!) { decideAppeal(appealId: $id, decision: $decision, note: $note) { status } }`;
const TIER = `{ me { tier { code } tierStatus { loweredBySanction upgradesBlocked evaluation { violations creditScore } } } }`;

async function violation(): Promise<{ id: string; kind: string; startsAt: string }> {
  const res = await stack.gql(
    RECORD,
    { input: { memberId: ana().id, category: 'INSULT', severity: 'MODERATE', evidence: 'Insulting words in review 5d2e.' } },
    await moderator(MO),
  );
  expect(res.body.errors).toBeUndefined();
  return res.body.data.recordViolation.sanction;
}
const anaTier = async () => (await stack.gql(TIER, {}, await asAna())).body.data.me;
const anaMultiplierInPoints = async () =>
  (
    await stack.database.rows<{ multiplier_percent: number }>(
      sql`select multiplier_percent from points.member_tiers where member_id = ${ana().id}`,
    )
  )[0]!.multiplier_percent;

describe('a DOWNGRADE sanction from moderation, and its reversal on appeal', () => {
  let downgrade: { id: string; kind: string; startsAt: string };

  it('Ana is Gold with a clean record', async () => {
    await stack.drainEvents();
    expect(await anaTier()).toMatchObject({ tier: { code: 'GOLD' }, tierStatus: { loweredBySanction: false, upgradesBlocked: false } });
    expect(await anaMultiplierInPoints()).toBe(150);
  });

  it('two moderate violations climb the ladder to a DOWNGRADE; during the notice period Ana stays Gold', async () => {
    expect((await violation()).kind).toBe('RESTRICTED_BENEFITS');
    clock = at(1000);
    downgrade = await violation();
    expect(downgrade.kind).toBe('DOWNGRADE');
    clock = at(71 * HOUR);
    await stack.jobs.tick(clock);
    await stack.drainEvents();
    expect((await anaTier()).tier.code).toBe('GOLD');
  });

  it('when the sanction applies, tiers lowers Ana to Silver at once and points earns her at Silver', async () => {
    clock = new Date(Date.parse(downgrade.startsAt) + 60_000);
    await stack.jobs.tick(clock);
    await stack.drainEvents();
    expect(await anaTier()).toEqual({
      tier: { code: 'SILVER' },
      tierStatus: { loweredBySanction: true, upgradesBlocked: true, evaluation: { violations: 2, creditScore: 50 } },
    });
    expect(await anaMultiplierInPoints()).toBe(125);
  });

  it('Ana appeals, Ona reverses the downgrade: tiers restores Gold, the reversed sanction no longer counts, points earns her at Gold again', async () => {
    clock = at(HOUR);
    const appeal = await stack.gql(APPEAL, { id: downgrade.id, statement: 'The review criticised the tea, not a person.' }, await asAna());
    expect(appeal.body.errors).toBeUndefined();
    const decided = await stack.gql(
      DECIDE,
      { id: appeal.body.data.appealSanction.id, decision: 'REVERSE', note: 'Criticism of a product is allowed.' },
      await moderator(ONA),
    );
    expect(decided.body.data.decideAppeal.status).toBe('REVERSED');
    await stack.drainEvents();
    // The restriction from the first violation is still in force: it blocks upgrades, not the restoring.
    expect(await anaTier()).toEqual({
      tier: { code: 'GOLD' },
      tierStatus: { loweredBySanction: false, upgradesBlocked: true, evaluation: { violations: 1, creditScore: 80 } },
    });
    expect(await anaMultiplierInPoints()).toBe(150);
    const changes = await stack.database.rows<{ payload: { from: string; to: string; reason: string } }>(
      sql`select payload from tiers.outbox where type = 'TierChanged' and payload ->> 'memberId' = ${ana().id} order by occurred_at, id`,
    );
    expect(changes.slice(-2).map((c) => [c.payload.from, c.payload.to, c.payload.reason])).toEqual([
      ['GOLD', 'SILVER', 'sanction'],
      ['SILVER', 'GOLD', 'sanction_lifted'],
    ]);
  });
});
