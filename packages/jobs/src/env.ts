import { parseEnv, z } from '@membership/config';
import { parseInterval } from './interval.js';

const interval = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((v, ctx) => {
      try {
        return parseInterval(v);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
        return z.NEVER;
      }
    });

/** The scheduler's settings, read by every process that runs jobs (`npm start`, each standalone subgraph). */
export const jobsEnvShape = {
  /** Run jobs on their schedule in this process. `npm run …:run` commands work either way. */
  JOBS_ENABLED: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  /**
   * Intervals that replace jobs' defaults, as JSON of job name to interval or "off":
   * {"identity.erasures":"24h","identity.exports":"off"}.
   */
  JOB_SCHEDULE: z
    .string()
    .default('{}')
    .transform((v, ctx) => {
      try {
        const entries = Object.entries(z.record(z.string(), z.string()).parse(JSON.parse(v)));
        return Object.fromEntries(entries.map(([name, every]) => [name, every === 'off' ? 'off' : (parseInterval(every), every)]));
      } catch (error) {
        const detail = error instanceof z.ZodError || error instanceof SyntaxError ? '' : `: ${(error as Error).message}`;
        ctx.addIssue({ code: 'custom', message: `must be a JSON object of job name to interval (15m, 1h, 24h) or "off"${detail}` });
        return z.NEVER;
      }
    }),
  /** How often a process looks for due jobs; a job runs at most this long after its slot. */
  JOB_POLL_INTERVAL: interval('15s'),
  /** Attempts per slot, the first included, before a failing job waits for its next slot. */
  JOB_MAX_ATTEMPTS: z.coerce.number().int().min(1).default(3),
  /** Delay before a failed job's second attempt; it doubles for each attempt after that. */
  JOB_RETRY_DELAY: interval('1m'),
  /** How long a run holds its job; an instance that dies mid-run frees the job after this. */
  JOB_LEASE: interval('30m'),
};

export interface JobsEnv {
  JOBS_ENABLED: boolean;
  JOB_SCHEDULE: Record<string, string>;
  JOB_POLL_INTERVAL: number;
  JOB_MAX_ATTEMPTS: number;
  JOB_RETRY_DELAY: number;
  JOB_LEASE: number;
}

/** The scheduler's environment, parsed once. */
export const loadJobsEnv = (source?: Record<string, string | undefined>) => parseEnv(jobsEnvShape, source) as JobsEnv;
