import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@membership/config';
import { createScratchDatabase, openDatabase, type Database } from '@membership/db';
import { asc, eq } from 'drizzle-orm';
import {
  JobError,
  JobScheduler,
  jobsMigrationsFolder,
  runJobNow,
  runs,
  schedules,
  type JobDefinition,
  type SchedulerOptions,
} from '../src/index.js';

/**
 * The scheduler against a real database: PGlite in memory, or a scratch database on
 * TEST_DATABASE_URL's server. Every test uses its own job names, so they share one database.
 */
const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL;
const logger = createLogger('jobs-test', 'silent');
let scratch: Awaited<ReturnType<typeof createScratchDatabase>> | undefined;
let database: Database;

beforeAll(async () => {
  scratch = TEST_DATABASE_URL ? await createScratchDatabase(TEST_DATABASE_URL) : undefined;
  database = await openDatabase(scratch ? { url: scratch.url, poolSize: 4 } : {});
  await database.migrate(jobsMigrationsFolder, 'jobs');
});

afterAll(async () => {
  await database?.close();
  await scratch?.drop();
});

const at = (iso: string) => new Date(iso);
const plus = (date: Date, ms: number) => new Date(date.getTime() + ms);
const MINUTE = 60_000;

/** A job that records when it ran and fails while `failing` says so. */
function countingJob(name: string, every = '1m', options: { failing?: () => boolean; delayMs?: number } = {}) {
  const ranAt: Date[] = [];
  const job: JobDefinition = {
    name,
    every,
    async run({ now }) {
      ranAt.push(now);
      if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
      if (options.failing?.()) throw new JobError('the partner API answered 503', { done: 2, failed: 1 });
      return { done: ranAt.length };
    },
  };
  return { job, ranAt };
}

const scheduler = (db: Database, jobs: JobDefinition[], options: Partial<SchedulerOptions> = {}) =>
  new JobScheduler(db.db, jobs, { logger, retryDelayMs: 10_000, maxAttempts: 3, ...options });

const runsOf = (job: string) => database.db.select().from(runs).where(eq(runs.job, job)).orderBy(asc(runs.startedAt), asc(runs.attempt));

describe('a scheduled job', () => {
  it('runs when first registered, not again within its slot, and again at the next slot', async () => {
    const { job, ranAt } = countingJob('test.due');
    const s = scheduler(database, [job]);
    const t0 = at('2030-01-01T10:00:20Z');

    expect(await s.tick(t0)).toHaveLength(1);
    expect(await s.tick(plus(t0, 30_000))).toHaveLength(0);
    expect(await s.tick(at('2030-01-01T10:01:00Z'))).toHaveLength(1);
    expect(await s.tick(at('2030-01-01T10:01:59Z'))).toHaveLength(0);

    expect(ranAt).toEqual([t0, at('2030-01-01T10:01:00Z')]);
    const recorded = await runsOf('test.due');
    expect(recorded.map((r) => [r.status, r.trigger, r.attempt, r.dueAt?.toISOString(), r.result])).toEqual([
      ['ok', 'schedule', 1, t0.toISOString(), { done: 1 }],
      ['ok', 'schedule', 1, '2030-01-01T10:01:00.000Z', { done: 2 }],
    ]);
    expect(recorded.every((r) => r.instance === s.instance && r.finishedAt !== null)).toBe(true);
  });

  it('runs once for the slots it missed while nothing was running, then keeps to its interval', async () => {
    const { job, ranAt } = countingJob('test.missed', '1h');
    const s = scheduler(database, [job]);
    await s.tick(at('2030-01-01T10:00:00Z'));
    expect(await s.tick(at('2030-01-01T15:42:00Z'))).toHaveLength(1);
    expect(await s.tick(at('2030-01-01T15:59:00Z'))).toHaveLength(0);
    expect(await s.tick(at('2030-01-01T16:00:00Z'))).toHaveLength(1);
    expect(ranAt).toHaveLength(3);
  });

  it('when it fails, is retried after the delay, then after twice the delay, then waits for its next slot', async () => {
    let failing = true;
    const { job, ranAt } = countingJob('test.retry', '1h', { failing: () => failing });
    const s = scheduler(database, [job]);
    const t0 = at('2030-01-01T10:00:00Z');

    await s.tick(t0); // attempt 1 fails: retry 10 s later
    expect(await s.tick(plus(t0, 9_000))).toHaveLength(0);
    await s.tick(plus(t0, 10_000)); // attempt 2 fails: retry 20 s after that
    expect(await s.tick(plus(t0, 29_000))).toHaveLength(0);
    await s.tick(plus(t0, 30_000)); // attempt 3 fails: the slot is given up
    expect(await s.tick(plus(t0, 30 * MINUTE))).toHaveLength(0);
    failing = false;
    await s.tick(at('2030-01-01T11:00:00Z'));

    expect(ranAt).toHaveLength(4);
    const recorded = await runsOf('test.retry');
    expect(recorded.map((r) => [r.attempt, r.status, r.error, r.result])).toEqual([
      [1, 'failed', 'the partner API answered 503', { done: 2, failed: 1 }],
      [2, 'failed', 'the partner API answered 503', { done: 2, failed: 1 }],
      [3, 'failed', 'the partner API answered 503', { done: 2, failed: 1 }],
      [1, 'ok', null, { done: 4 }],
    ]);
    const [row] = await database.db.select().from(schedules).where(eq(schedules.name, 'test.retry'));
    expect(row).toMatchObject({ failures: 0, lockedBy: null, nextRunAt: at('2030-01-01T12:00:00Z') });
  });

  it('turned off in the schedule, never runs; given another interval, runs on that one', async () => {
    const off = countingJob('test.off');
    const hourly = countingJob('test.every-2m', '1h');
    const s = scheduler(database, [off.job, hourly.job], { schedule: { 'test.off': 'off', 'test.every-2m': '2m' } });
    for (let minute = 0; minute < 6; minute++) await s.tick(plus(at('2030-01-01T10:00:00Z'), minute * MINUTE));
    expect(off.ranAt).toHaveLength(0);
    expect(hourly.ranAt.map((d) => d.toISOString())).toEqual([
      '2030-01-01T10:00:00.000Z',
      '2030-01-01T10:02:00.000Z',
      '2030-01-01T10:04:00.000Z',
    ]);
    expect(s.jobs).toEqual([{ name: 'test.every-2m', every: '2m' }]);
  });

  it('whose instance died mid-run is taken over when the lease runs out, and the dead run is marked abandoned', async () => {
    const { job } = countingJob('test.lease');
    const t0 = at('2030-01-01T10:00:00Z');
    // An instance claims the run and dies before it records an outcome: what it leaves behind.
    await database.db.insert(schedules).values({
      name: 'test.lease',
      every: '1m',
      nextRunAt: at('2030-01-01T10:01:00Z'),
      lockedBy: 'dead',
      lockedUntil: plus(t0, 5 * MINUTE),
    });
    await database.db.insert(runs).values({
      id: crypto.randomUUID(),
      job: 'test.lease',
      instance: 'dead',
      trigger: 'schedule',
      dueAt: t0,
      attempt: 1,
      status: 'running',
      startedAt: t0,
    });
    const s = scheduler(database, [job], { leaseMs: 5 * MINUTE });

    expect(await s.tick(at('2030-01-01T10:03:00Z'))).toHaveLength(0);
    expect(await s.tick(at('2030-01-01T10:05:00Z'))).toHaveLength(1);

    const recorded = await runsOf('test.lease');
    expect(recorded.map((r) => [r.instance, r.status, r.error?.startsWith('abandoned') ?? null])).toEqual([
      ['dead', 'failed', true],
      [s.instance, 'ok', null],
    ]);
  });

  it('run by hand is recorded as a manual run and leaves the schedule as it was', async () => {
    const { job } = countingJob('test.manual', '24h');
    const s = scheduler(database, [job]);
    await s.tick(at('2030-01-01T10:00:00Z'));
    const outcome = await runJobNow(database.db, job, { logger, now: () => at('2030-01-01T10:30:00Z'), instance: 'erasures:run' });
    expect(outcome).toMatchObject({ status: 'ok', trigger: 'manual', attempt: 1, dueAt: null, result: { done: 2 } });
    expect(await s.tick(at('2030-01-01T23:59:00Z'))).toHaveLength(0);
    const recorded = await runsOf('test.manual');
    expect(recorded.map((r) => [r.trigger, r.instance])).toEqual([
      ['schedule', s.instance],
      ['manual', 'erasures:run'],
    ]);
  });
});

/** Ticks two schedulers of one job concurrently, five times in each of 20 one-minute slots; returns the minute of each run. */
async function raceTwoInstances(name: string, first: Database, second: Database) {
  const ranAt: Date[] = [];
  const job = (): JobDefinition => ({
    name,
    every: '1m',
    async run({ now }) {
      ranAt.push(now);
      // Keeps the run open while the other instance's claim arrives.
      await new Promise((resolve) => setTimeout(resolve, 5));
    },
  });
  const a = scheduler(first, [job()], { instance: 'a' });
  const b = scheduler(second, [job()], { instance: 'b' });
  const t0 = at('2030-02-01T00:00:00Z');
  for (let i = 0; i < 20; i++) {
    const slot = plus(t0, i * MINUTE);
    // Both at once at the start of the slot, then both again later in it, after the run is done.
    await Promise.all([a.tick(plus(slot, 1_000)), b.tick(plus(slot, 1_000)), a.tick(plus(slot, 2_000))]);
    await Promise.all([b.tick(plus(slot, 20_000)), a.tick(plus(slot, 40_000))]);
  }
  return ranAt.map((d) => Math.floor((d.getTime() - t0.getTime()) / MINUTE)).sort((x, y) => x - y);
}

const EVERY_SLOT = Array.from({ length: 20 }, (_, i) => i);

describe('two instances ticking concurrently', () => {
  it('run a job scheduled every minute exactly once per slot, sharing one database handle', async () => {
    expect(await raceTwoInstances('test.once-per-slot.shared', database, database)).toEqual(EVERY_SLOT);
    const recorded = await runsOf('test.once-per-slot.shared');
    expect(recorded.map((r) => r.status)).toEqual(EVERY_SLOT.map(() => 'ok'));
  });

  it.skipIf(!TEST_DATABASE_URL)(
    `run a job scheduled every minute exactly once per slot, each with its own Postgres connection pool${TEST_DATABASE_URL ? '' : ' (skipped: set TEST_DATABASE_URL to run it on Postgres)'}`,
    async () => {
      const other = await openDatabase({ url: scratch!.url, poolSize: 4 });
      try {
        expect(await raceTwoInstances('test.once-per-slot.pools', database, other)).toEqual(EVERY_SLOT);
        const recorded = await runsOf('test.once-per-slot.pools');
        expect(recorded.map((r) => r.status)).toEqual(EVERY_SLOT.map(() => 'ok'));
        expect(new Set(recorded.map((r) => r.dueAt?.toISOString())).size).toBe(20);
      } finally {
        await other.close();
      }
    },
  );
});
