import { describe, expect, it } from 'vitest';
import { sql } from '@membership/db';
import type { TestStack } from '@membership/testing';
import { useTestStack } from '@membership/testing/per-file';

// The gateway checks tokens against the wall clock, so the injected clock starts now and
// only moves forward; the scheduled sanctions job is ticked by hand at chosen instants.
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
let clock = new Date(Math.floor(Date.now() / 1000) * 1000);
const at = (ms: number) => new Date(clock.getTime() + ms);
let stack: TestStack;
useTestStack({ now: () => clock, started: (s) => (stack = s) });

const demo = (name: string) => stack.demo.find((m) => m.displayName === name)!;
const PURPOSE = { 'x-access-purpose': 'moderation' };
const MO = '00000000-0000-4000-8000-0000000001d1';
const ONA = '00000000-0000-4000-8000-0000000001d2';
/** Mo and Ona are moderators: they read reports and behaviour and record violations. */
const moderator = (id: string) => stack.staffToken(['members:read', 'moderation:read', 'moderation:write', 'pii:behaviour:read'], id);
const asMember = async (name: string) => ({ token: await stack.memberToken(demo(name).id) });
const asStaff = async (token: Promise<string>) => ({ token: await token, headers: PURPOSE });
const codeOf = (res: { body: { errors?: { extensions?: { code?: string } }[] } }) => res.body.errors?.[0]?.extensions?.code;

const REPORT = `mutation ($memberId: ID!, $category: ReportCategory!, $details: String!, $contentRef: String) {
  reportMember(memberId: $memberId, category: $category, details: $details, contentRef: $contentRef) { id receivedAt }
}`;
const QUEUE = `{ reportQueue { id memberId category status priority submissionCount reporterCount submissions { reporterKind reporterId details } } }`;
const RECORD = `mutation ($input: RecordViolationInput!) {
  recordViolation(input: $input) { id memberId severity ladderRung evidence sanction { id kind status startsAt endsAt announcedAt appealUntil } }
}`;
const APPEAL = `mutation ($id: ID!, $statement: String!) { appealSanction(sanctionId: $id, statement: $statement) { id status memberId sanction { id kind } } }`;
const DECIDE = `mutation ($id: ID!, $decision: AppealDecision!, $note: String!) {
  decideAppeal(appealId: $id, decision: $decision, note: $note) { id status decisionNote sanction { id status liftReason } }
}`;
const STANDING = '{ me { standing { status activeSanctions { id kind } } } }';
const INBOX = '{ me { inbox(first: 20) { edges { node { kind title body } } } } }';

interface OutboxEvent {
  type: string;
  payload: Record<string, unknown>;
}
/** What moderation has recorded for the other subgraphs, oldest first. */
const eventsAbout = async (sanctionId: string) =>
  (await stack.database.rows<OutboxEvent>(sql`select type, payload from moderation.outbox order by occurred_at, id`)).filter(
    (e) => e.payload.sanctionId === sanctionId || (e.payload.params as Record<string, unknown> | undefined)?.sanctionId === sanctionId,
  );
const typesAbout = async (sanctionId: string) => (await eventsAbout(sanctionId)).map((e) => e.type);

async function recordViolation(by: string, input: Record<string, unknown>) {
  const res = await stack.gql(
    RECORD,
    { input: { category: 'INSULT', evidence: 'Insulting words in review 8f1c.', ...input } },
    await asStaff(moderator(by)),
  );
  expect(res.body.errors).toBeUndefined();
  return res.body.data.recordViolation as {
    id: string;
    ladderRung: number;
    sanction: { id: string; kind: string; status: string; startsAt: string; endsAt: string | null; appealUntil: string };
  };
}

describe('reports', () => {
  let harassment: string;

  it('Ana, then Ana again, then Bo report Chen for harassment: one report, three submissions, two reporters', async () => {
    const first = await stack.gql(
      REPORT,
      { memberId: demo('Chen').id, category: 'HARASSMENT', details: 'He keeps messaging me.' },
      await asMember('Ana'),
    );
    expect(first.body.errors).toBeUndefined();
    harassment = first.body.data.reportMember.id;
    const again = await stack.gql(
      REPORT,
      { memberId: demo('Chen').id, category: 'HARASSMENT', details: 'Still messaging.' },
      await asMember('Ana'),
    );
    const bo = await stack.gql(REPORT, { memberId: demo('Chen').id, category: 'HARASSMENT', details: 'Me too.' }, await asMember('Bo'));
    expect([again.body.data.reportMember.id, bo.body.data.reportMember.id]).toEqual([harassment, harassment]);
    // Dee reports Bo for an insult: a separate report, lower in the queue.
    await stack.gql(
      REPORT,
      { memberId: demo('Bo').id, category: 'INSULT', details: 'Rude reply.', contentRef: 'review:r123' },
      await asMember('Dee'),
    );

    const queue = await stack.gql(QUEUE, {}, await asStaff(moderator(MO)));
    expect(queue.body.errors).toBeUndefined();
    const reports = queue.body.data.reportQueue;
    expect(reports.map((r: { category: string }) => r.category)).toEqual(['HARASSMENT', 'INSULT']);
    expect(reports[0]).toMatchObject({ id: harassment, memberId: demo('Chen').id, status: 'OPEN', submissionCount: 3, reporterCount: 2 });
    expect(reports[0].submissions.map((s: { reporterId: string; details: string }) => `${s.reporterId} ${s.details}`).sort()).toEqual(
      [`${demo('Ana').id} He keeps messaging me.`, `${demo('Ana').id} Still messaging.`, `${demo('Bo').id} Me too.`].sort(),
    );
  });

  it('a member cannot report themselves, nor with empty details: BAD_USER_INPUT naming the field', async () => {
    const self = await stack.gql(REPORT, { memberId: demo('Ana').id, category: 'INSULT', details: 'x' }, await asMember('Ana'));
    expect(codeOf(self)).toBe('BAD_USER_INPUT');
    const empty = await stack.gql(REPORT, { memberId: demo('Chen').id, category: 'INSULT', details: '  ' }, await asMember('Ana'));
    expect(codeOf(empty)).toBe('BAD_USER_INPUT');
    expect(empty.body.errors?.[0]?.message).toMatch(/details/);
  });

  it('Chen (reported member) cannot read the queue: FORBIDDEN, so he never learns who reported him', async () => {
    const res = await stack.gql(QUEUE, {}, await asMember('Chen'));
    expect(codeOf(res)).toBe('FORBIDDEN');
    expect(JSON.stringify(res.body)).not.toContain(demo('Ana').id);
  });

  it('Ana sees her own report in myReports (hers, once), not who else reported', async () => {
    const res = await stack.gql('{ myReports { id memberId category status } }', {}, await asMember('Ana'));
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.myReports).toEqual([{ id: harassment, memberId: demo('Ana').id, category: 'HARASSMENT', status: 'OPEN' }]);
  });

  it('support staff without moderation:read cannot open the queue: FORBIDDEN', async () => {
    const res = await stack.gql(QUEUE, {}, await asStaff(stack.staffToken(['members:read', 'pii:behaviour:read'])));
    expect(codeOf(res)).toBe('FORBIDDEN');
  });

  it("reading the queue with every report's reporters costs the same SQL statements for one report as for two", async () => {
    const token = await asStaff(moderator(MO));
    const count = async (first: number) => {
      const before = stack.database.statementCount();
      const res = await stack.gql(`query ($first: Int) { reportQueue(first: $first) { id submissions { reporterId } } }`, { first }, token);
      expect(res.body.data.reportQueue).toHaveLength(first);
      return stack.database.statementCount() - before;
    };
    expect(await count(2)).toBe(await count(1));
  });

  it('Mo dismisses the insult report; dismissing it again is a CONFLICT', async () => {
    const queue = await stack.gql('{ reportQueue { id category } }', {}, await asStaff(moderator(MO)));
    const insult = queue.body.data.reportQueue.find((r: { category: string }) => r.category === 'INSULT').id;
    const res = await stack.gql(
      'mutation ($id: ID!) { dismissReport(id: $id) { id status } }',
      { id: insult },
      await asStaff(moderator(MO)),
    );
    expect(res.body.data.dismissReport).toEqual({ id: insult, status: 'DISMISSED' });
    const again = await stack.gql('mutation ($id: ID!) { dismissReport(id: $id) { id } }', { id: insult }, await asStaff(moderator(MO)));
    expect(codeOf(again)).toBe('CONFLICT');
  });
});

describe('violations, the ladder and notice before effect', () => {
  let criticalBan: string;
  let warning: Awaited<ReturnType<typeof recordViolation>>;
  let restriction: Awaited<ReturnType<typeof recordViolation>>;

  it('a first minor violation gives Bo a warning announced now, in force after the 72-hour notice period', async () => {
    warning = await recordViolation(MO, { memberId: demo('Bo').id, severity: 'MINOR', evidenceRefs: ['review:r123'] });
    expect(warning.ladderRung).toBe(0);
    expect(warning.sanction).toMatchObject({ kind: 'WARNING', status: 'SCHEDULED', endsAt: null, startsAt: at(72 * HOUR).toISOString() });
    // The notice is asked for now; SanctionApplied is not recorded yet.
    expect(await typesAbout(warning.sanction.id)).toEqual(['MemberNoticeRequested']);
  });

  it("Bo's inbox holds the notice with the violation, the evidence summary and how to appeal", async () => {
    await stack.drainEvents();
    const res = await stack.gql(INBOX, {}, await asMember('Bo'));
    expect(res.body.errors).toBeUndefined();
    const notice = res.body.data.me.inbox.edges
      .map((e: { node: { title: string; body: string } }) => e.node)
      .find((n: { title: string }) => n.title.includes('WARNING'));
    expect(notice.title).toBe(
      `A WARNING will apply to your account on ${at(72 * HOUR)
        .toISOString()
        .slice(0, 10)}`,
    );
    expect(notice.body).toContain('Violation: INSULT');
    expect(notice.body).toContain('Insulting words in review 8f1c.');
    expect(notice.body).toContain(`appeal until ${warning.sanction.appealUntil.slice(0, 10)}`);
  });

  it('the sanctions job before the date applies nothing; at the date it emits SanctionApplied with effectiveAt', async () => {
    const early = (await stack.jobs.tick(at(71 * HOUR))).find((r) => r.job === 'moderation.sanctions');
    expect(early).toMatchObject({ status: 'ok', result: { applied: 0, expired: 0 } });
    expect(await typesAbout(warning.sanction.id)).toEqual(['MemberNoticeRequested']);

    const due = (await stack.jobs.tick(at(72 * HOUR + 60_000))).find((r) => r.job === 'moderation.sanctions');
    expect(due).toMatchObject({ status: 'ok', result: { applied: 1, expired: 0 } });
    const applied = (await eventsAbout(warning.sanction.id)).find((e) => e.type === 'SanctionApplied');
    expect(applied?.payload).toEqual({
      sanctionId: warning.sanction.id,
      memberId: demo('Bo').id,
      kind: 'WARNING',
      effectiveAt: warning.sanction.startsAt,
      endsAt: null,
    });
  });

  it('a repeat minor violation within the window climbs the ladder: restricted benefits for 30 days', async () => {
    clock = at(4 * DAY);
    restriction = await recordViolation(MO, { memberId: demo('Bo').id, severity: 'MINOR' });
    expect(restriction.ladderRung).toBe(1);
    expect(restriction.sanction).toMatchObject({ kind: 'RESTRICTED_BENEFITS', status: 'SCHEDULED', startsAt: at(72 * HOUR).toISOString() });
    expect(Date.parse(restriction.sanction.endsAt!) - Date.parse(restriction.sanction.startsAt)).toBe(30 * DAY);
    await stack.jobs.tick(at(73 * HOUR));
    const applied = (await eventsAbout(restriction.sanction.id)).find((e) => e.type === 'SanctionApplied');
    expect(applied?.payload).toMatchObject({
      kind: 'RESTRICTED_BENEFITS',
      effectiveAt: restriction.sanction.startsAt,
      endsAt: restriction.sanction.endsAt,
    });
    clock = at(73 * HOUR);
    const standing = await stack.gql(STANDING, {}, await asMember('Bo'));
    expect(standing.body.data.me.standing.status).toBe('RESTRICTED');
  });

  it('a critical violation (fraud) takes effect at once: SanctionApplied is recorded with the notice', async () => {
    const ban = await recordViolation(MO, {
      memberId: demo('Dee').id,
      severity: 'CRITICAL',
      category: 'FRAUD_AGAINST_MEMBERS',
      evidence: 'Sold fake vouchers to members.',
    });
    expect(ban.sanction).toMatchObject({ kind: 'BAN', status: 'ACTIVE', endsAt: null, startsAt: clock.toISOString() });
    expect((await typesAbout(ban.sanction.id)).sort()).toEqual(['MemberNoticeRequested', 'SanctionApplied']);
    criticalBan = ban.sanction.id;
  });

  it('Ona lifts the ban early: SanctionLifted{reason: staff} and a notice to Dee; Dee herself may not (FORBIDDEN)', async () => {
    const LIFT =
      'mutation ($id: ID!) { liftSanction(sanctionId: $id, note: "The vouchers were genuine after all.") { sanctionId memberId sanction { status liftReason } } }';
    expect((await stack.gql(LIFT, { id: criticalBan }, await asMember('Dee'))).body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const res = await stack.gql(LIFT, { id: criticalBan }, await asStaff(moderator(ONA)));
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.liftSanction).toEqual({
      sanctionId: criticalBan,
      memberId: demo('Dee').id,
      sanction: { status: 'LIFTED', liftReason: 'STAFF' },
    });
    const lifted = (await eventsAbout(criticalBan)).find((e) => e.type === 'SanctionLifted');
    expect(lifted?.payload).toEqual({ sanctionId: criticalBan, memberId: demo('Dee').id, kind: 'BAN', reason: 'staff' });
    expect(codeOf(await stack.gql(LIFT, { id: criticalBan }, await asStaff(moderator(ONA))))).toBe('CONFLICT');
  });

  it('recording a violation needs moderation:write: support staff get FORBIDDEN and nothing is written', async () => {
    const before = await stack.database.rows(sql`select id from moderation.violations`);
    const res = await stack.gql(
      RECORD,
      { input: { memberId: demo('Ana').id, category: 'INSULT', severity: 'MINOR', evidence: 'x' } },
      await asStaff(stack.staffToken(['moderation:read', 'pii:behaviour:read'])),
    );
    expect(codeOf(res)).toBe('FORBIDDEN');
    expect(await stack.database.rows(sql`select id from moderation.violations`)).toHaveLength(before.length);
  });

  it('a violation naming a report that is not open about that member is NOT_FOUND, and nothing is written', async () => {
    const count = async () =>
      (
        await stack.database.rows<{ n: number }>(
          sql`select (select count(*) from moderation.violations) + (select count(*) from moderation.sanctions) + (select count(*) from moderation.outbox) as n`,
        )
      )[0]!.n;
    const before = await count();
    const dismissed = (await stack.database.rows<{ id: string }>(sql`select id from moderation.reports where status = 'DISMISSED'`))[0]!.id;
    const res = await stack.gql(
      RECORD,
      { input: { memberId: demo('Bo').id, category: 'INSULT', severity: 'MINOR', evidence: 'x', reportId: dismissed } },
      await asStaff(moderator(MO)),
    );
    expect(codeOf(res)).toBe('NOT_FOUND');
    expect(await count()).toBe(before);
  });

  describe('appeals', () => {
    let appealId: string;

    it('Bo appeals the restriction within the window', async () => {
      const res = await stack.gql(
        APPEAL,
        { id: restriction.sanction.id, statement: 'The review was about the product, not a person.' },
        await asMember('Bo'),
      );
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data.appealSanction).toMatchObject({
        status: 'PENDING',
        memberId: demo('Bo').id,
        sanction: { id: restriction.sanction.id },
      });
      appealId = res.body.data.appealSanction.id;
      const twice = await stack.gql(APPEAL, { id: restriction.sanction.id, statement: 'Again.' }, await asMember('Bo'));
      expect(codeOf(twice)).toBe('CONFLICT');
    });

    it("Chen cannot appeal Bo's sanction: NOT_FOUND", async () => {
      const res = await stack.gql(APPEAL, { id: restriction.sanction.id, statement: 'Mine?' }, await asMember('Chen'));
      expect(codeOf(res)).toBe('NOT_FOUND');
    });

    it('Mo, who recorded the violation, may not decide the appeal: FORBIDDEN, and it stays pending', async () => {
      const res = await stack.gql(DECIDE, { id: appealId, decision: 'REVERSE', note: 'Looks fine.' }, await asStaff(moderator(MO)));
      expect(codeOf(res)).toBe('FORBIDDEN');
      expect(res.body.errors?.[0]?.message).toMatch(/another staff member/);
      const queue = await stack.gql('{ appealQueue { id status } }', {}, await asStaff(moderator(ONA)));
      expect(queue.body.data.appealQueue).toEqual([{ id: appealId, status: 'PENDING' }]);
    });

    it('Ona reverses it: the sanction is lifted with SanctionLifted{reason: appeal} and Bo is told', async () => {
      const res = await stack.gql(
        DECIDE,
        { id: appealId, decision: 'REVERSE', note: 'Criticism of a product is allowed.' },
        await asStaff(moderator(ONA)),
      );
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data.decideAppeal).toMatchObject({
        status: 'REVERSED',
        sanction: { id: restriction.sanction.id, status: 'LIFTED', liftReason: 'APPEAL' },
      });
      const lifted = (await eventsAbout(restriction.sanction.id)).find((e) => e.type === 'SanctionLifted');
      expect(lifted?.payload).toEqual({
        sanctionId: restriction.sanction.id,
        memberId: demo('Bo').id,
        kind: 'RESTRICTED_BENEFITS',
        reason: 'appeal',
      });

      const standing = await stack.gql(STANDING, {}, await asMember('Bo'));
      expect(standing.body.data.me.standing).toEqual({ status: 'WARNED', activeSanctions: [{ id: warning.sanction.id, kind: 'WARNING' }] });
      await stack.drainEvents();
      const inbox = await stack.gql(INBOX, {}, await asMember('Bo'));
      const titles = inbox.body.data.me.inbox.edges.map((e: { node: { title: string } }) => e.node.title);
      expect(titles).toContain('Your appeal was accepted: the RESTRICTED_BENEFITS is lifted');

      const again = await stack.gql(DECIDE, { id: appealId, decision: 'UPHOLD', note: 'No.' }, await asStaff(moderator(ONA)));
      expect(codeOf(again)).toBe('CONFLICT');
    });

    it('the reversed violation no longer counts: the next minor one is again restricted benefits (rung 1), not a downgrade', async () => {
      const next = await recordViolation(ONA, { memberId: demo('Bo').id, severity: 'MINOR' });
      expect(next).toMatchObject({ ladderRung: 1, sanction: { kind: 'RESTRICTED_BENEFITS' } });
      restriction = next;
    });

    it('an appeal after the window is refused with the date it closed: CONFLICT', async () => {
      const late = new Date(Date.parse(restriction.sanction.appealUntil) + 1000);
      clock = late;
      const res = await stack.gql(APPEAL, { id: restriction.sanction.id, statement: 'Late.' }, await asMember('Bo'));
      expect(codeOf(res)).toBe('CONFLICT');
      expect(res.body.errors?.[0]?.message).toContain(restriction.sanction.appealUntil);
    });
  });

  it('a temporary sanction lifts by itself at its end: SanctionLifted{reason: expired}', async () => {
    await stack.jobs.tick(new Date(Date.parse(restriction.sanction.startsAt) + 1000));
    expect(await typesAbout(restriction.sanction.id)).toEqual(['MemberNoticeRequested', 'SanctionApplied']);
    const end = new Date(Date.parse(restriction.sanction.endsAt!));
    const run = (await stack.jobs.tick(end)).find((r) => r.job === 'moderation.sanctions');
    expect(run).toMatchObject({ status: 'ok', result: { expired: 1 } });
    const lifted = (await eventsAbout(restriction.sanction.id)).find((e) => e.type === 'SanctionLifted');
    expect(lifted?.payload).toEqual({
      sanctionId: restriction.sanction.id,
      memberId: demo('Bo').id,
      kind: 'RESTRICTED_BENEFITS',
      reason: 'expired',
    });
  });
});

describe('the staff operation log', () => {
  it('Aud (auditor, audit:read) finds every staff action of this file in it, with the acting staff member', async () => {
    const res = await stack.gql(
      '{ moderationOperationLog(first: 100) { staffId operation targetType details } }',
      {},
      { token: await stack.staffToken(['audit:read']) },
    );
    expect(res.body.errors).toBeUndefined();
    const ops = res.body.data.moderationOperationLog.map(
      (o: { staffId: string; operation: string }) => `${o.staffId === MO ? 'Mo' : o.staffId === ONA ? 'Ona' : o.staffId}:${o.operation}`,
    );
    // Every mutation staff made above, and nothing members did (several share an instant, so as a set).
    expect(ops.sort()).toEqual(
      [
        'Ona:violation.record',
        'Ona:appeal.decide',
        'Ona:sanction.lift',
        'Mo:violation.record',
        'Mo:violation.record',
        'Mo:violation.record',
        'Mo:report.dismiss',
      ].sort(),
    );
  });

  it('members and moderators without audit:read cannot read it: FORBIDDEN', async () => {
    expect(codeOf(await stack.gql('{ moderationOperationLog { id } }', {}, await asMember('Ana')))).toBe('FORBIDDEN');
    expect(codeOf(await stack.gql('{ moderationOperationLog { id } }', {}, await asStaff(moderator(MO))))).toBe('FORBIDDEN');
  });
});
