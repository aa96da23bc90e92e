import { and, eq, isNull, lte, or, sql } from 'drizzle-orm';
import type { Logger } from '@membership/config';
import type { Db } from '@membership/db';
import type { JobsEnv } from './env.js';
import { afterFailure, parseInterval, slotAfter } from './interval.js';
import type { JobDefinition } from './job.js';
import { defaultInstanceName, recordRun, type JobRunOutcome } from './runs.js';
import { runs, schedules } from './tables.js';

export interface SchedulerOptions {
  logger: Logger;
  /** Injectable clock; `tick(now)` overrides it for one pass. */
  now?: () => Date;
  /** This scheduler's name in run records; defaults to host:pid:random. */
  instance?: string;
  /** Intervals that replace the jobs' defaults, by job name; `off` leaves a job unscheduled here. */
  schedule?: Record<string, string>;
  /** How often {@link JobScheduler.start} looks for due jobs. */
  pollMs?: number;
  /** Attempts per slot, the first included. */
  maxAttempts?: number;
  /** Delay before the second attempt; doubled for each further one. */
  retryDelayMs?: number;
  /** How long a run holds its job before another instance may take it over. */
  leaseMs?: number;
}

/** The scheduler's options as the environment sets them (see env.ts). */
export function schedulerSettings(env: JobsEnv): Omit<SchedulerOptions, 'logger' | 'now' | 'instance'> {
  return {
    schedule: env.JOB_SCHEDULE,
    pollMs: env.JOB_POLL_INTERVAL,
    maxAttempts: env.JOB_MAX_ATTEMPTS,
    retryDelayMs: env.JOB_RETRY_DELAY,
    leaseMs: env.JOB_LEASE,
  };
}

interface Entry {
  job: JobDefinition;
  every: string;
  everyMs: number;
}

/**
 * Runs jobs on their schedule, one runner per slot however many instances share the
 * database.
 *
 * Each job has one row in `jobs.schedules`. An instance takes a run with one conditional
 * update: `set next_run_at = <next slot> … where name = $1 and next_run_at <= now and
 * the lease is free`. Postgres serialises updates of one row: a second instance's update
 * waits for the first to commit, re-checks its condition against the new row, finds
 * next_run_at in the future and updates nothing. So exactly one instance gets each slot,
 * with no lock held while the job runs and no external service; PGlite, with one
 * connection, runs the same statement. Advisory locks would need a session held for the
 * whole run (a pinned connection from the pool) and would still need the table to know
 * whether a slot was already done. The lease (locked_until) stops a run that outlasts
 * its interval from overlapping the next one, and frees the job if its instance dies.
 *
 * Slots missed while nothing was running (a night with every server down) collapse
 * into one run: a claim always moves next_run_at to the first slot after now.
 */
export class JobScheduler {
  readonly instance: string;
  private readonly entries: Entry[];
  private readonly now: () => Date;
  private registered: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = true;

  constructor(
    private readonly db: Db,
    jobs: JobDefinition[],
    private readonly options: SchedulerOptions,
  ) {
    this.instance = options.instance ?? defaultInstanceName();
    this.now = options.now ?? (() => new Date());
    const seen = new Set<string>();
    this.entries = [];
    for (const job of jobs) {
      if (seen.has(job.name)) throw new Error(`Two jobs are named ${job.name}; job names must be unique.`);
      seen.add(job.name);
      const every = options.schedule?.[job.name] ?? job.every;
      if (every === 'off') continue;
      try {
        this.entries.push({ job, every, everyMs: parseInterval(every) });
      } catch (error) {
        throw new Error(`Job ${job.name}: ${(error as Error).message}`);
      }
    }
  }

  /** The jobs this scheduler runs and their intervals (jobs turned off are left out). */
  get jobs(): { name: string; every: string }[] {
    return this.entries.map((e) => ({ name: e.job.name, every: e.every }));
  }

  /**
   * Writes each job's schedule row. A new job is due at once; a job whose interval got
   * shorter is due no later than its first slot under the new interval.
   */
  async register(now = this.now()): Promise<void> {
    for (const { job, every, everyMs } of this.entries) {
      await this.db
        .insert(schedules)
        .values({ name: job.name, every, nextRunAt: now })
        .onConflictDoUpdate({
          target: schedules.name,
          set: { every, nextRunAt: sql`least(${schedules.nextRunAt}, ${slotAfter(now, everyMs).toISOString()}::timestamptz)` },
        });
    }
  }

  /**
   * Runs every job that is due and that no other instance took first; returns what ran.
   * Given `now`, the whole pass (claims, runs, retries) happens at that time: tests tick by hand.
   */
  async tick(now?: Date): Promise<JobRunOutcome[]> {
    const clock = now ? () => now : this.now;
    this.registered ??= this.register(clock());
    await this.registered;
    const done: JobRunOutcome[] = [];
    for (const entry of this.entries) {
      const claim = await this.claim(entry, clock());
      if (claim) done.push(await this.runClaimed(entry, claim, clock));
    }
    return done;
  }

  /** Ticks in the background every `pollMs` until {@link stop}. */
  start(): void {
    if (!this.stopped || this.entries.length === 0) return;
    this.stopped = false;
    const loop = async () => {
      if (this.stopped) return;
      this.running = this.tick().catch((error: unknown) => {
        // A failed pass (the database away for a moment) is tried again at the next poll.
        this.registered = undefined;
        this.options.logger.error('job scheduler pass failed', { instance: this.instance, error: String(error) });
      });
      await this.running;
      if (!this.stopped) this.timer = setTimeout(loop, this.options.pollMs ?? 15_000);
    };
    this.timer = setTimeout(loop, 0);
    this.options.logger.info('job scheduler started', { instance: this.instance, jobs: this.jobs });
  }

  /** Stops polling and waits for a run in progress to finish. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** The one conditional update that gives this instance the job's due run, or nothing. */
  private async claim(entry: Entry, now: Date) {
    const [claimed] = await this.db
      .update(schedules)
      .set({
        // Every SET expression sees the row as it was: claimed_due_at gets the old next_run_at.
        claimedDueAt: sql`${schedules.nextRunAt}`,
        nextRunAt: slotAfter(now, entry.everyMs),
        lockedBy: this.instance,
        lockedUntil: new Date(now.getTime() + (this.options.leaseMs ?? 30 * 60_000)),
      })
      .where(
        and(
          eq(schedules.name, entry.job.name),
          lte(schedules.nextRunAt, now),
          or(isNull(schedules.lockedUntil), lte(schedules.lockedUntil, now)),
        ),
      )
      .returning({ dueAt: schedules.claimedDueAt, nextSlot: schedules.nextRunAt, failures: schedules.failures });
    if (!claimed) return undefined;
    // Holding the job, any run of it still marked running belongs to an instance whose lease ran out.
    await this.db
      .update(runs)
      .set({ status: 'failed', finishedAt: now, error: 'abandoned: its instance stopped or outlasted the lease before it finished' })
      .where(and(eq(runs.job, entry.job.name), eq(runs.status, 'running'), eq(runs.trigger, 'schedule')));
    return claimed;
  }

  private async runClaimed(entry: Entry, claim: { dueAt: Date | null; nextSlot: Date; failures: number }, clock: () => Date) {
    const attempt = claim.failures + 1;
    const outcome = await recordRun(this.db, entry.job, {
      instance: this.instance,
      trigger: 'schedule',
      dueAt: claim.dueAt,
      attempt,
      now: clock,
      logger: this.options.logger,
    });
    const release = { lockedBy: null, lockedUntil: null };
    const next =
      outcome.status === 'ok'
        ? { failures: 0 }
        : afterFailure(clock(), attempt, claim.nextSlot, {
            maxAttempts: this.options.maxAttempts ?? 3,
            retryDelayMs: this.options.retryDelayMs ?? 60_000,
          });
    await this.db
      .update(schedules)
      .set({ ...release, ...next })
      .where(and(eq(schedules.name, entry.job.name), eq(schedules.lockedBy, this.instance)));
    return outcome;
  }
}
