import type { Logger } from '@membership/config';

/**
 * A job a subgraph runs on a schedule. `run` does the batch work (set-based, safe to run
 * twice); the scheduler only decides when, and on which one instance.
 */
export interface JobDefinition {
  /** Unique across the platform: `<subgraph>.<job>`, e.g. `identity.erasures`. */
  name: string;
  /** default interval, e.g. '15m', '1h', '24h' */
  every: string;
  /** Does one run at `now`; what it returns is kept as the run's result (counts, never personal data). */
  run(ctx: { now: Date; logger: Logger }): Promise<Record<string, unknown> | void>;
}

/**
 * A run that did part of its work and failed the rest: the run is recorded as failed
 * (and retried) with `result` kept, e.g. how many erasures succeeded before one failed.
 */
export class JobError extends Error {
  override name = 'JobError';
  constructor(
    message: string,
    readonly result: Record<string, unknown>,
  ) {
    super(message);
  }
}
