import { fileURLToPath } from 'node:url';

export * from './job.js';
export * from './interval.js';
export * from './env.js';
export * from './tables.js';
export * from './runs.js';
export * from './scheduler.js';

/** The scheduler's own migrations (the `jobs` schema). */
export const jobsMigrationsFolder = fileURLToPath(new URL('../migrations', import.meta.url));
