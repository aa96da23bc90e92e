import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { and, desc, eq, lt, or, type SQL } from 'drizzle-orm';
import type { Logger } from '@membership/config';
import type { Db } from '@membership/db';
import { JobError, type JobDefinition } from './job.js';
import { runs, type JobRunRow } from './tables.js';

/** How one run ended, as the scheduler or a command reports it. */
export interface JobRunOutcome {
  id: string;
  job: string;
  instance: string;
  trigger: 'schedule' | 'manual';
  dueAt: Date | null;
  attempt: number;
  status: 'ok' | 'failed';
  result: Record<string, unknown> | null;
  error: string | null;
}

/** A name for this process in run records: host, pid and a tag that tells two schedulers in one process apart. */
export function defaultInstanceName(): string {
  return `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
}

/**
 * Runs `job` once and records the run: a `running` row before, its outcome after. A
 * thrown error is the run's failure (recorded, not rethrown); its message is kept, never
 * its stack.
 */
export async function recordRun(
  db: Db,
  job: JobDefinition,
  run: { instance: string; trigger: 'schedule' | 'manual'; dueAt: Date | null; attempt: number; now: () => Date; logger: Logger },
): Promise<JobRunOutcome> {
  const id = randomUUID();
  const startedAt = run.now();
  await db.insert(runs).values({
    id,
    job: job.name,
    instance: run.instance,
    trigger: run.trigger,
    dueAt: run.dueAt,
    attempt: run.attempt,
    status: 'running',
    startedAt,
  });
  let outcome: Pick<JobRunOutcome, 'status' | 'result' | 'error'>;
  try {
    const result = await job.run({ now: startedAt, logger: run.logger });
    outcome = { status: 'ok', result: result ?? null, error: null };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    outcome = { status: 'failed', result: error instanceof JobError ? error.result : null, error: message.slice(0, 1000) };
  }
  await db
    .update(runs)
    .set({ ...outcome, finishedAt: run.now() })
    .where(eq(runs.id, id));
  const fields = { job: job.name, trigger: run.trigger, attempt: run.attempt, result: outcome.result, error: outcome.error };
  if (outcome.status === 'ok') run.logger.info('job run succeeded', fields);
  else run.logger.error('job run failed', fields);
  return { id, job: job.name, instance: run.instance, trigger: run.trigger, dueAt: run.dueAt, attempt: run.attempt, ...outcome };
}

/**
 * Runs `job` now, outside its schedule, and records it as a `manual` run: what the
 * `npm run …:run` commands do. It does not move the job's schedule.
 */
export function runJobNow(
  db: Db,
  job: JobDefinition,
  options: { logger: Logger; now?: () => Date; instance?: string },
): Promise<JobRunOutcome> {
  return recordRun(db, job, {
    instance: options.instance ?? defaultInstanceName(),
    trigger: 'manual',
    dueAt: null,
    attempt: 1,
    now: options.now ?? (() => new Date()),
    logger: options.logger,
  });
}

/** Reads the run record for staff (identity's `jobRuns`). */
export class JobRunsRepository {
  constructor(private readonly db: Db) {}

  /** Newest first, optionally of one job; `first + 1` rows so the caller can tell whether another page follows. */
  async page(filter: { job?: string | null }, first: number, after?: { at: Date; id: string }): Promise<JobRunRow[]> {
    const conditions: (SQL | undefined)[] = [];
    if (filter.job) conditions.push(eq(runs.job, filter.job));
    if (after) conditions.push(or(lt(runs.startedAt, after.at), and(eq(runs.startedAt, after.at), lt(runs.id, after.id))));
    return this.db
      .select()
      .from(runs)
      .where(and(...conditions))
      .orderBy(desc(runs.startedAt), desc(runs.id))
      .limit(first + 1);
  }
}
