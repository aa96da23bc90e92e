import { describe, expect, it } from 'vitest';
import { sql } from '@membership/db';
import type { TestStack } from '@membership/testing';
import { useTestStack } from '@membership/testing/per-file';

// Meaningful on a real Postgres (TEST_DATABASE_URL), where the requests below really run at once.
const clock = new Date(Math.floor(Date.now() / 1000) * 1000);
let stack: TestStack;
useTestStack({ now: () => clock, started: (s) => (stack = s) });

const demo = (name: string) => stack.demo.find((m) => m.displayName === name)!;
const PURPOSE = { 'x-access-purpose': 'moderation' };
const MO = '00000000-0000-4000-8000-0000000001d1';
const ONA = '00000000-0000-4000-8000-0000000001d2';
const PIA = '00000000-0000-4000-8000-0000000001d3';
const moderator = async (id: string) => ({
  token: await stack.staffToken(['members:read', 'moderation:read', 'moderation:write', 'pii:behaviour:read'], id),
  headers: PURPOSE,
});

describe('moderation under concurrent requests', () => {
  it('four people reporting Chen for the same thing at once make one report with four reporters', async () => {
    const reporters = ['Ana', 'Bo', 'Dee'].map((n) => demo(n).id);
    const results = await Promise.all([
      ...reporters.map(async (id) =>
        stack.gql(
          'mutation ($m: ID!) { reportMember(memberId: $m, category: VIOLENCE, details: "Threatening message.") { id } }',
          { m: demo('Chen').id },
          { token: await stack.memberToken(id) },
        ),
      ),
      stack.gql(
        'mutation ($m: ID!) { reportMember(memberId: $m, category: VIOLENCE, details: "Seen in the logs.") { id } }',
        { m: demo('Chen').id },
        await moderator(MO),
      ),
    ]);
    expect(results.map((r) => r.body.errors)).toEqual([undefined, undefined, undefined, undefined]);
    const ids = new Set(results.map((r) => r.body.data?.reportMember?.id));
    expect(ids.size).toBe(1);
    const rows = await stack.database.rows<{ submissions: number; reporters: number }>(
      sql`select submissions, reporters from moderation.reports where category = 'VIOLENCE'`,
    );
    expect(rows).toEqual([{ submissions: 4, reporters: 4 }]);
  });

  it('two violations recorded for Bo at the same moment climb the ladder: one warning, one restriction', async () => {
    const record = async () =>
      stack.gql(
        'mutation ($m: ID!) { recordViolation(input: { memberId: $m, category: INSULT, severity: MINOR, evidence: "Insult." }) { ladderRung sanction { id kind } } }',
        { m: demo('Bo').id },
        await moderator(MO),
      );
    const [a, b] = await Promise.all([record(), record()]);
    expect([a.body.errors, b.body.errors]).toEqual([undefined, undefined]);
    expect([a.body.data.recordViolation.ladderRung, b.body.data.recordViolation.ladderRung].sort()).toEqual([0, 1]);
  });

  it('two moderators deciding one appeal at once: one decision stands, the other gets CONFLICT', async () => {
    const rec = await stack.gql(
      'mutation ($m: ID!) { recordViolation(input: { memberId: $m, category: INSULT, severity: MODERATE, evidence: "Insult." }) { sanction { id } } }',
      { m: demo('Dee').id },
      await moderator(MO),
    );
    const sanctionId = rec.body.data.recordViolation.sanction.id;
    const appeal = await stack.gql(
      'mutation ($s: ID!) { appealSanction(sanctionId: $s, statement: "Not me.") { id } }',
      { s: sanctionId },
      { token: await stack.memberToken(demo('Dee').id) },
    );
    const id = appeal.body.data.appealSanction.id;
    const decide = async (staff: string, decision: string) =>
      stack.gql(
        'mutation ($id: ID!, $d: AppealDecision!) { decideAppeal(appealId: $id, decision: $d, note: "Decided.") { status } }',
        { id, d: decision },
        await moderator(staff),
      );
    const results = await Promise.all([decide(ONA, 'REVERSE'), decide(PIA, 'UPHOLD')]);
    const codes = results.map((r) => r.body.errors?.[0]?.extensions?.code ?? 'OK').sort();
    expect(codes).toEqual(['CONFLICT', 'OK']);
    const notices = await stack.database.rows<{ n: number }>(
      sql`select count(*)::int as n from moderation.outbox where payload->'params'->>'appealId' = ${id}`,
    );
    expect(notices).toEqual([{ n: 1 }]);
  });
});
