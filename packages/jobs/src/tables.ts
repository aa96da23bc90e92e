import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgSchema, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

/**
 * Scheduled jobs: shared infrastructure like the `events` broker. Only this package
 * touches the `jobs` schema; each subgraph's jobs only decide what a run does.
 */
export const jobsSchema = pgSchema('jobs');

/**
 * One row per job: when its next run is due and which instance holds it while it runs.
 * Claiming a run is one conditional update of this row (see scheduler.ts).
 */
export const schedules = jobsSchema.table('schedules', {
  name: text('name').primaryKey(),
  /** The interval the last instance to register the job was configured with, e.g. `1h`. */
  every: text('every').notNull(),
  nextRunAt: timestamp('next_run_at', { withTimezone: true }).notNull(),
  /** The due time the current (or last) run claimed: set from next_run_at in the claiming update. */
  claimedDueAt: timestamp('claimed_due_at', { withTimezone: true }),
  /** Failed attempts of the current slot so far; 0 once an attempt succeeds or the slot is given up. */
  failures: integer('failures').notNull().default(0),
  lockedBy: text('locked_by'),
  /** A run holds the job until it finishes or until this time (an instance that died mid-run). */
  lockedUntil: timestamp('locked_until', { withTimezone: true }),
});

/**
 * One row per run of a job, scheduled or started by hand. No foreign key to schedules:
 * a manual run of a job that was never scheduled (jobs disabled) is recorded too.
 */
export const runs = jobsSchema.table(
  'runs',
  {
    id: uuid('id').primaryKey(),
    job: text('job').notNull(),
    /** The process that ran it: host, pid and a random tag per scheduler. */
    instance: text('instance').notNull(),
    /** `schedule` or `manual`. */
    trigger: text('trigger').notNull(),
    /** The due time the scheduler claimed; null for manual runs. */
    dueAt: timestamp('due_at', { withTimezone: true }),
    /** 1 for a slot's first attempt, then counting its retries. */
    attempt: integer('attempt').notNull(),
    /** `running`, `ok` or `failed`. */
    status: text('status').notNull(),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    /** What the run did, as the job summarised it (counts, never personal data). */
    result: jsonb('result'),
    error: text('error'),
  },
  (t) => [
    index('runs_started_at_id_idx').on(t.startedAt, t.id),
    index('runs_job_started_at_id_idx').on(t.job, t.startedAt, t.id),
    index('runs_job_status_idx').on(t.job, t.status),
    // A second line behind the claim: one scheduled run per due time of a job.
    uniqueIndex('runs_job_due_at_idx')
      .on(t.job, t.dueAt)
      .where(sql`${t.trigger} = 'schedule'`),
  ],
);

export type JobRunRow = typeof runs.$inferSelect;
