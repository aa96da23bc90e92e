import { describe, expect, it } from 'vitest';
import { sql } from '@membership/db';
import { publishMemberErased, rowsMentioning, type TestStack } from '@membership/testing';
import { useTestStack } from '@membership/testing/per-file';

const clock = new Date(Math.floor(Date.now() / 1000) * 1000);
let stack: TestStack;
useTestStack({ now: () => clock, started: (s) => (stack = s) });

const demo = (name: string) => stack.demo.find((m) => m.displayName === name)!;
const MO = { 'x-access-purpose': 'moderation' };
const moderator = async () => ({
  token: await stack.staffToken(
    ['moderation:read', 'moderation:write', 'complaints:read', 'complaints:write', 'pii:behaviour:read'],
    '00000000-0000-4000-8000-0000000001d1',
  ),
  headers: MO,
});
const member = async (name: string) => ({ token: await stack.memberToken(demo(name).id) });

describe('erasing Chen removes him from reports, violations, appeals and complaints', () => {
  it('before: Chen is in a report about him, a report he made, a violation, an appeal and a complaint; after: in no moderation row', async () => {
    const ok = (res: { body: { errors?: unknown[] } }) => expect(res.body.errors).toBeUndefined();
    ok(
      await stack.gql(
        `mutation ($m: ID!) { reportMember(memberId: $m, category: INSULT, details: "Chen insulted me.") { id } }`,
        { m: demo('Chen').id },
        await member('Ana'),
      ),
    );
    ok(
      await stack.gql(
        `mutation ($m: ID!) { reportMember(memberId: $m, category: HARASSMENT, details: "Ana follows me around.") { id } }`,
        { m: demo('Ana').id },
        await member('Chen'),
      ),
    );
    const v = await stack.gql(
      `mutation ($m: ID!) { recordViolation(input: { memberId: $m, category: INSULT, severity: MODERATE, evidence: "Chen called Ana names." }) { sanction { id } } }`,
      { m: demo('Chen').id },
      await moderator(),
    );
    ok(v);
    ok(
      await stack.gql(
        `mutation ($s: ID!) { appealSanction(sanctionId: $s, statement: "I am Chen and I was provoked.") { id } }`,
        { s: v.body.data.recordViolation.sanction.id },
        await member('Chen'),
      ),
    );
    const c = await stack.gql(
      `mutation { fileComplaint(input: { category: ORDER, subject: "Chen's order 42 is wrong." }) { id } }`,
      {},
      await member('Chen'),
    );
    ok(c);
    ok(
      await stack.gql(
        `mutation ($id: ID!) { answerComplaint(id: $id, body: "Sorry Chen, fixing it.") { id } }`,
        { id: c.body.data.fileComplaint.id },
        await moderator(),
      ),
    );

    expect(Object.keys(await rowsMentioning(stack, 'moderation', demo('Chen').id))).toEqual(
      expect.arrayContaining(['reports', 'report_submissions', 'violations', 'sanctions', 'appeals', 'complaints', 'outbox']),
    );

    await publishMemberErased(stack, 'moderation', demo('Chen').id, clock);
    await stack.drainEvents();

    expect(await rowsMentioning(stack, 'moderation', demo('Chen').id)).toEqual({});
    // What he wrote and what was written about him goes too; counts and codes stay.
    const words = await stack.database.rows<{ n: number }>(sql`
      select count(*)::int as n from (
        select details as t from moderation.report_submissions union all
        select evidence from moderation.violations union all
        select statement from moderation.appeals union all
        select subject from moderation.complaints union all
        select body from moderation.complaint_messages
      ) w where t like '%Chen%'`);
    expect(words).toEqual([{ n: 0 }]);
    const kept = await stack.database.rows<{ category: string; severity: string }>(
      sql`select category, severity from moderation.violations`,
    );
    expect(kept).toEqual([{ category: 'INSULT', severity: 'MODERATE' }]);
  });
});
