export * from './job.js';
export * from './interval.js';
export * from './env.js';
export * from './tables.js';
export * from './runs.js';
export * from './scheduler.js';
export * from './command.js';
export { jobsMigrationsFolder } from './migrations.js';
