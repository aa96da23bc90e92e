import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { deliveries, eventLog, type EventInput } from '@membership/events';
import type { TestStack } from '@membership/testing';
import { useTestStack } from '@membership/testing/per-file';

// The support team works weekdays 09:00-18:00 in Shanghai (UTC+8), the default calendar.
// The clock starts on the coming Friday at 17:00 Shanghai time (09:00Z), an hour before
// the weekend: tokens are checked against the wall clock, so it only ever lies ahead.
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const wall = new Date();
const FRIDAY = new Date(Date.UTC(wall.getUTCFullYear(), wall.getUTCMonth(), wall.getUTCDate() + ((5 - wall.getUTCDay() + 7) % 7 || 7), 9));
/** `days` after Friday, at `hourZ` o'clock UTC (Shanghai is 8 hours ahead). */
const on = (days: number, hourZ: number, minute = 0) => new Date(FRIDAY.getTime() + days * DAY + (hourZ - 9) * HOUR + minute * 60_000);
let clock = FRIDAY;
let stack: TestStack;
useTestStack({ now: () => clock, started: (s) => (stack = s) });

const demo = (name: string) => stack.demo.find((m) => m.displayName === name)!;
const PURPOSE = { 'x-access-purpose': 'support' };
const SUE = '00000000-0000-4000-8000-0000000005e1';
/** Sue works in support: she takes, answers and resolves complaints. */
const sue = async () => ({
  token: await stack.staffToken(['members:read', 'complaints:read', 'complaints:write', 'pii:behaviour:read'], SUE),
  headers: PURPOSE,
});
const asMember = async (name: string) => ({ token: await stack.memberToken(demo(name).id) });
const codeOf = (res: { body: { errors?: { extensions?: { code?: string } }[] } }) => res.body.errors?.[0]?.extensions?.code;

const FIELDS =
  'id memberId channel category priority status changeId createdAt firstResponseDueAt resolutionDueAt nextDeadline breached { firstResponse resolution } rating escalations messages { author body }';
const FILE = `mutation ($input: FileComplaintInput!) { fileComplaint(input: $input) { ${FIELDS} } }`;
const RECORD = `mutation ($input: RecordComplaintInput!) { recordComplaint(input: $input) { ${FIELDS} } }`;
const QUEUE = `query ($breachedOnly: Boolean) { complaintQueue(breachedOnly: $breachedOnly) { id memberId nextDeadline breached { firstResponse resolution } } }`;
const ANSWER = `mutation ($id: ID!, $body: String!) { answerComplaint(id: $id, body: $body) { ${FIELDS} } }`;
const RESOLVE = `mutation ($id: ID!, $body: String!, $cause: String) { resolveComplaint(id: $id, body: $body, rootCause: $cause) { ${FIELDS} } }`;
const RATE = `mutation ($id: ID!, $rating: Int!) { rateComplaint(id: $id, rating: $rating) { ${FIELDS} } }`;

/** Delivers an event to moderation as another subgraph's relay would. */
async function deliver<T extends 'TierChanged' | 'BenefitChangeAnnounced'>(type: T, payload: EventInput[T], occurredAt = clock) {
  const eventId = randomUUID();
  await stack.database.db.insert(eventLog).values({ eventId, type, producer: 'tiers', payload, occurredAt, publishedAt: clock });
  await stack.database.db.insert(deliveries).values({ consumer: 'moderation', eventId, availableAt: clock });
  await stack.drainEvents();
}

const CHANGE_ID = randomUUID();
beforeAll(async () => {
  await stack.drainEvents();
  // Dee is Diamond (her complaints are URGENT), Bo Bronze (no promise beyond what he asks).
  await deliver('TierChanged', { memberId: demo('Dee').id, from: 'PLATINUM', to: 'DIAMOND', reason: 'qualifying_spend' });
  await deliver('TierChanged', { memberId: demo('Bo').id, from: null, to: 'BRONZE', reason: 'registered' });
  // Chen reached Gold today; the Bronze placement from last month arrives late and changes nothing.
  await deliver('TierChanged', { memberId: demo('Chen').id, from: 'SILVER', to: 'GOLD', reason: 'qualifying_spend' });
  await deliver(
    'TierChanged',
    { memberId: demo('Chen').id, from: null, to: 'BRONZE', reason: 'registered' },
    new Date(clock.getTime() - 30 * DAY),
  );
  // Gold loses free shipping on Monday at 08:00 Shanghai time.
  await deliver('BenefitChangeAnnounced', {
    tier: 'GOLD',
    benefit: 'free_shipping',
    effectiveAt: on(3, 0).toISOString(),
    changeId: CHANGE_ID,
  });
});

let dees: string;

describe('complaints and their deadlines in business hours', () => {
  let bos: string;

  it("Bo's complaint on Friday 17:00 is due a first answer Monday 12:00 and resolution Wednesday 17:00: the weekend does not count", async () => {
    const res = await stack.gql(FILE, { input: { category: 'DELIVERY', subject: 'My parcel is a week late.' } }, await asMember('Bo'));
    expect(res.body.errors).toBeUndefined();
    const c = res.body.data.fileComplaint;
    bos = c.id;
    expect(c).toMatchObject({
      memberId: demo('Bo').id,
      channel: 'APP',
      priority: 'NORMAL',
      status: 'OPEN',
      firstResponseDueAt: on(3, 4).toISOString(),
      resolutionDueAt: on(5, 9).toISOString(),
      nextDeadline: on(3, 4).toISOString(),
      breached: { firstResponse: false, resolution: false },
    });
  });

  it("Sue records Dee's complaint by phone; Dee is Diamond, so it is URGENT: first answer due at 18:00 today", async () => {
    const res = await stack.gql(
      RECORD,
      { input: { memberId: demo('Dee').id, channel: 'PHONE', category: 'REFUND', subject: 'Refund not received.', priority: 'NORMAL' } },
      await sue(),
    );
    expect(res.body.errors).toBeUndefined();
    const c = res.body.data.recordComplaint;
    dees = c.id;
    expect(c).toMatchObject({
      channel: 'PHONE',
      priority: 'URGENT',
      firstResponseDueAt: on(0, 10).toISOString(),
      resolutionDueAt: on(3, 8).toISOString(),
    });
  });

  it("the breach queue on Saturday holds only Dee's complaint; the full queue is sorted by deadline", async () => {
    clock = on(1, 4);
    const breached = await stack.gql(QUEUE, { breachedOnly: true }, await sue());
    expect(breached.body.errors).toBeUndefined();
    expect(breached.body.data.complaintQueue).toEqual([
      { id: dees, memberId: demo('Dee').id, nextDeadline: on(0, 10).toISOString(), breached: { firstResponse: true, resolution: false } },
    ]);
    const all = await stack.gql(QUEUE, { breachedOnly: false }, await sue());
    expect(all.body.data.complaintQueue.map((c: { id: string }) => c.id)).toEqual([dees, bos]);
  });

  it("on Sunday night Bo's is still within its deadline; on Monday at 12:01 it is breached too", async () => {
    clock = on(2, 15);
    const sunday = await stack.gql(QUEUE, { breachedOnly: true }, await sue());
    expect(sunday.body.data.complaintQueue.map((c: { id: string }) => c.id)).toEqual([dees]);
    clock = on(3, 4, 1);
    const monday = await stack.gql(QUEUE, { breachedOnly: true }, await sue());
    expect(monday.body.data.complaintQueue.map((c: { id: string }) => c.id)).toEqual([dees, bos]);
  });

  it('Sue answers Bo; Bo sees the status and the answer, and the clock now runs to the resolution', async () => {
    const res = await stack.gql(ANSWER, { id: bos, body: 'The courier lost it; a new parcel leaves today.' }, await sue());
    expect(res.body.errors).toBeUndefined();
    const mine = await stack.gql(`{ myComplaints { ${FIELDS} } }`, {}, await asMember('Bo'));
    expect(mine.body.data.myComplaints).toEqual([
      expect.objectContaining({
        id: bos,
        status: 'ANSWERED',
        nextDeadline: on(5, 9).toISOString(),
        breached: { firstResponse: true, resolution: false },
        messages: [{ author: 'STAFF', body: 'The courier lost it; a new parcel leaves today.' }],
      }),
    ]);
  });

  it("the queue with every complaint's messages costs the same SQL statements for one complaint as for two", async () => {
    const count = async (first: number) => {
      const before = stack.database.statementCount();
      const res = await stack.gql(`query ($first: Int) { complaintQueue(first: $first) { id messages { body } } }`, { first }, await sue());
      expect(res.body.data.complaintQueue).toHaveLength(first);
      return stack.database.statementCount() - before;
    };
    expect(await count(2)).toBe(await count(1));
  });

  it('Bo adds a message; he sees it after the answer, in order; Chen cannot write on it (NOT_FOUND)', async () => {
    const ADD = 'mutation ($id: ID!, $body: String!) { addComplaintMessage(id: $id, body: $body) { id messages { author body } } }';
    clock = on(3, 4, 30);
    const res = await stack.gql(ADD, { id: bos, body: 'Thanks, tracking number please.' }, await asMember('Bo'));
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.addComplaintMessage.messages).toEqual([
      { author: 'STAFF', body: 'The courier lost it; a new parcel leaves today.' },
      { author: 'MEMBER', body: 'Thanks, tracking number please.' },
    ]);
    expect(codeOf(await stack.gql(ADD, { id: bos, body: 'x' }, await asMember('Chen')))).toBe('NOT_FOUND');
  });

  it('Bo cannot rate before resolution: CONFLICT', async () => {
    expect(codeOf(await stack.gql(RATE, { id: bos, rating: 5 }, await asMember('Bo')))).toBe('CONFLICT');
  });

  it('Sue resolves it; Bo rates it 2 (dissatisfied): it reopens, escalated to HIGH, with new deadlines from now', async () => {
    const resolved = await stack.gql(RESOLVE, { id: bos, body: 'The new parcel was delivered.', cause: 'late_courier' }, await sue());
    expect(resolved.body.data.resolveComplaint).toMatchObject({ status: 'RESOLVED', nextDeadline: null });
    clock = on(3, 6);
    const rated = await stack.gql(RATE, { id: bos, rating: 2 }, await asMember('Bo'));
    expect(rated.body.errors).toBeUndefined();
    // HIGH: 2 business hours to a first answer from Monday 14:00 → 16:00, 16 to resolution → Tuesday 12:00 + … Wednesday 12:00.
    expect(rated.body.data.rateComplaint).toMatchObject({
      status: 'REOPENED',
      priority: 'HIGH',
      rating: 2,
      escalations: 1,
      firstResponseDueAt: on(3, 8).toISOString(),
      resolutionDueAt: on(5, 4).toISOString(),
    });
    expect(rated.body.data.rateComplaint.messages).toHaveLength(3);
  });

  it("Chen cannot see Bo's complaint (NOT_FOUND) and has none of his own", async () => {
    expect(codeOf(await stack.gql(`query ($id: ID!) { complaint(id: $id) { id } }`, { id: bos }, await asMember('Chen')))).toBe(
      'NOT_FOUND',
    );
    expect((await stack.gql('{ myComplaints { id } }', {}, await asMember('Chen'))).body.data.myComplaints).toEqual([]);
  });

  it('staff without complaints:write cannot record or answer (FORBIDDEN); a member cannot record for someone else; complaints:write alone answers', async () => {
    const reader = { token: await stack.staffToken(['complaints:read', 'pii:behaviour:read']), headers: PURPOSE };
    expect(codeOf(await stack.gql(ANSWER, { id: dees, body: 'x' }, reader))).toBe('FORBIDDEN');
    const asBo = await stack.gql(
      RECORD,
      { input: { memberId: demo('Chen').id, channel: 'PHONE', category: 'OTHER', subject: 'x' } },
      await asMember('Bo'),
    );
    expect(codeOf(asBo)).toBe('FORBIDDEN');
    // Handling complaints (complaints:write) is enough to answer one, without the reading scope.
    const handler = { token: await stack.staffToken(['complaints:write', 'pii:behaviour:read'], SUE), headers: PURPOSE };
    const answered = await stack.gql(ANSWER, { id: dees, body: 'Your refund left today.' }, handler);
    expect(answered.body.errors).toBeUndefined();
    expect(answered.body.data.answerComplaint).toMatchObject({ status: 'ANSWERED', breached: { firstResponse: true } });
  });

  it('staff record PHONE, EMAIL or IN_PERSON complaints; APP is refused with BAD_USER_INPUT naming the channel', async () => {
    const res = await stack.gql(
      RECORD,
      { input: { memberId: demo('Chen').id, channel: 'APP', category: 'OTHER', subject: 'x' } },
      await sue(),
    );
    expect(codeOf(res)).toBe('BAD_USER_INPUT');
    expect(res.body.errors?.[0]?.message).toMatch(/PHONE, EMAIL or IN_PERSON/);
  });
});

describe('objections to a benefit change', () => {
  it("Ana's objection links to the change and must be resolved before it takes effect (Monday 08:00)", async () => {
    clock = on(1, 2);
    const res = await stack.gql(
      FILE,
      { input: { category: 'BENEFIT_CHANGE_OBJECTION', subject: 'Free shipping was why I chose Gold.', changeId: CHANGE_ID } },
      await asMember('Ana'),
    );
    expect(res.body.errors).toBeUndefined();
    // Saturday: counting starts Monday 09:00, after the change is already in effect at 08:00.
    expect(res.body.data.fileComplaint).toMatchObject({
      category: 'BENEFIT_CHANGE_OBJECTION',
      changeId: CHANGE_ID,
      resolutionDueAt: on(3, 0).toISOString(),
    });
  });

  it('an objection without a change is BAD_USER_INPUT; with an unknown change NOT_FOUND; a change on another category BAD_USER_INPUT', async () => {
    const file = async (input: Record<string, unknown>) => stack.gql(FILE, { input: { subject: 'x', ...input } }, await asMember('Ana'));
    expect(codeOf(await file({ category: 'BENEFIT_CHANGE_OBJECTION' }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await file({ category: 'BENEFIT_CHANGE_OBJECTION', changeId: randomUUID() }))).toBe('NOT_FOUND');
    expect(codeOf(await file({ category: 'ORDER', changeId: CHANGE_ID }))).toBe('BAD_USER_INPUT');
  });
});

describe('complaint statistics and the staff log', () => {
  it('complaintStats counts the period by category and channel, breaches and repeat causes', async () => {
    clock = on(3, 7);
    // A second late-courier delivery complaint makes late_courier a repeat cause.
    const chen = await stack.gql(
      RECORD,
      { input: { memberId: demo('Chen').id, channel: 'EMAIL', category: 'DELIVERY', subject: 'Late again.' } },
      await sue(),
    );
    // Gold promises HIGH: the late, older Bronze event did not undo it.
    expect(chen.body.data.recordComplaint.priority).toBe('HIGH');
    await stack.gql(RESOLVE, { id: chen.body.data.recordComplaint.id, body: 'Delivered.', cause: 'late_courier' }, await sue());

    const res = await stack.gql(
      `query ($from: DateTime!, $to: DateTime!) { complaintStats(from: $from, to: $to) {
        total byCategory { key count } byChannel { key count } firstResponseBreaches resolutionBreaches averageRating repeatCauses { category cause count } } }`,
      { from: FRIDAY.toISOString(), to: on(7, 9).toISOString() },
      await sue(),
    );
    expect(res.body.errors).toBeUndefined();
    const stats = res.body.data.complaintStats;
    expect(stats.total).toBe(4);
    expect(stats.byCategory).toEqual([
      { key: 'DELIVERY', count: 2 },
      { key: 'BENEFIT_CHANGE_OBJECTION', count: 1 },
      { key: 'REFUND', count: 1 },
    ]);
    expect(stats.byChannel).toEqual([
      { key: 'APP', count: 2 },
      { key: 'EMAIL', count: 1 },
      { key: 'PHONE', count: 1 },
    ]);
    // Dee's first answer (due Friday 18:00) came on Monday, Bo's Monday after 12:00: both late. At Monday
    // 15:00 Shanghai only Ana's objection missed its resolution: the change took effect at 08:00 (Dee's
    // is due 16:00, Bo's reopened one on Wednesday).
    expect(stats.firstResponseBreaches).toBe(2);
    expect(stats.resolutionBreaches).toBe(1);
    expect(stats.averageRating).toBe(2);
    expect(stats.repeatCauses).toEqual([{ category: 'DELIVERY', cause: 'late_courier', count: 2 }]);
  });

  it('members cannot read the statistics: FORBIDDEN', async () => {
    const res = await stack.gql(
      `{ complaintStats(from: "2026-01-01T00:00:00Z", to: "2027-01-01T00:00:00Z") { total } }`,
      {},
      await asMember('Ana'),
    );
    expect(codeOf(res)).toBe('FORBIDDEN');
  });

  it("every staff action on complaints is in the staff operation log under Sue's id; members' actions are not", async () => {
    const OLU = '00000000-0000-4000-8000-0000000005e2';
    const assigned = await stack.gql(
      'mutation ($id: ID!, $to: ID!) { assignComplaint(id: $id, assigneeId: $to) { id } }',
      { id: dees, to: OLU },
      await sue(),
    );
    expect(assigned.body.errors).toBeUndefined();
    const res = await stack.gql(
      '{ moderationOperationLog(first: 50) { staffId operation targetType } }',
      {},
      { token: await stack.staffToken(['audit:read']) },
    );
    expect(res.body.errors).toBeUndefined();
    const ops = res.body.data.moderationOperationLog;
    expect(ops.every((o: { staffId: string }) => o.staffId === SUE)).toBe(true);
    expect(ops.map((o: { operation: string }) => o.operation).sort()).toEqual(
      [
        'complaint.record',
        'complaint.answer',
        'complaint.resolve',
        'complaint.record',
        'complaint.resolve',
        'complaint.assign',
        'complaint.answer',
      ].sort(),
    );
  });
});
