import { describe, expect, it } from 'vitest';
import { DEMO_MEMBERS } from '@membership/stack';
import type { TestStack } from '@membership/testing';
import { useTestStack } from '@membership/testing/per-file';

// Real time: the gateway checks access tokens against the wall clock. Jobs are ticked by
// hand at chosen times (the stack does not run them on a timer in tests). The clock sits
// at the start of the current minute, so "a second later" is still the same slot of every
// job, the every-minute ones included.
const clock = new Date(Math.floor(Date.now() / 60_000) * 60_000);
let stack: TestStack;
useTestStack({ now: () => clock, started: (s) => (stack = s) });

const [ANA, BO] = DEMO_MEMBERS;
const DAY = 86_400_000;
const RUNS = `query ($job: String, $first: Int, $after: String) {
  jobRuns(job: $job, first: $first, after: $after) {
    edges { node { job trigger status attempt dueAt startedAt finishedAt result error instance } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const codeOf = (res: { body: { errors?: { extensions?: { code?: string } }[] } }) => res.body.errors?.[0]?.extensions?.code;
/** Olu, on the ops rota: staff with ops:read and nothing else. */
const olu = () => stack.staffToken(['ops:read'], '00000000-0000-4000-8000-0000000001a1');

describe("the scheduled jobs' run record", () => {
  it("identity's four jobs run inside the stack when due, and Olu (staff, ops:read) reads each run", async () => {
    // Other subgraphs' jobs (tiers.reevaluation) run in the same tick; this test is about identity's.
    const runs = (await stack.jobs.tick(clock)).filter((r) => r.job.startsWith('identity.'));
    expect(runs.map((r) => [r.job, r.status]).sort()).toEqual([
      ['identity.erasures', 'ok'],
      ['identity.exports', 'ok'],
      ['identity.retention', 'ok'],
      ['identity.verification-reminders', 'ok'],
    ]);

    const res = await stack.gql(RUNS, {}, { token: await olu() });
    expect(res.body.errors).toBeUndefined();
    const nodes = res.body.data.jobRuns.edges
      .map((e: { node: Record<string, unknown> }) => e.node)
      .filter((n: { job: string }) => n.job.startsWith('identity.'));
    expect(nodes.map((n: { job: string }) => n.job).sort()).toEqual([
      'identity.erasures',
      'identity.exports',
      'identity.retention',
      'identity.verification-reminders',
    ]);
    expect(nodes.find((n: { job: string }) => n.job === 'identity.erasures')).toMatchObject({
      trigger: 'SCHEDULE',
      status: 'OK',
      attempt: 1,
      dueAt: clock.toISOString(),
      startedAt: clock.toISOString(),
      result: JSON.stringify({ erased: 0, failed: 0 }),
      error: null,
      instance: stack.jobs.instance,
    });
  });

  it('a second tick in the same slot runs nothing', async () => {
    expect(await stack.jobs.tick(new Date(clock.getTime() + 1000))).toEqual([]);
  });

  it("when Bo's erasure grace period is over, the scheduled erasure job erases him and Olu sees the count", async () => {
    const asked = await stack.gql('mutation { requestErasure { status } }', {}, { token: await stack.memberToken(BO.id) });
    expect(asked.body.data.requestErasure.status).toBe('PENDING');

    const later = new Date(clock.getTime() + 16 * DAY);
    const erasure = (await stack.jobs.tick(later)).find((r) => r.job === 'identity.erasures');
    expect(erasure).toMatchObject({ status: 'ok', result: { erased: 1, failed: 0 } });

    const res = await stack.gql(RUNS, { job: 'identity.erasures', first: 1 }, { token: await olu() });
    expect(res.body.data.jobRuns.edges.map((e: { node: Record<string, unknown> }) => [e.node.startedAt, e.node.result])).toEqual([
      [later.toISOString(), JSON.stringify({ erased: 1, failed: 0 })],
    ]);
    expect(res.body.data.jobRuns.pageInfo.hasNextPage).toBe(true);

    const next = await stack.gql(
      RUNS,
      { job: 'identity.erasures', first: 5, after: res.body.data.jobRuns.pageInfo.endCursor },
      { token: await olu() },
    );
    expect(next.body.data.jobRuns.edges.map((e: { node: { startedAt: string } }) => e.node.startedAt)).toEqual([clock.toISOString()]);
  });

  it('Ana (member) cannot read the run record: FORBIDDEN', async () => {
    const res = await stack.gql(RUNS, {}, { token: await stack.memberToken(ANA.id) });
    expect(codeOf(res)).toBe('FORBIDDEN');
    expect(res.body.data?.jobRuns ?? null).toBeNull();
  });

  it('staff who can read the audit log but not ops:read cannot read it either: FORBIDDEN', async () => {
    const res = await stack.gql(RUNS, {}, { token: await stack.staffToken(['audit:read', 'members:read']) });
    expect(codeOf(res)).toBe('FORBIDDEN');
  });

  it('an anonymous caller cannot read it: FORBIDDEN', async () => {
    expect(codeOf(await stack.gql(RUNS, {}))).toBe('FORBIDDEN');
  });
});
