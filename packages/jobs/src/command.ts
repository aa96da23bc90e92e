import { createLogger, type Logger, type LogLevel } from '@membership/config';
import { openDatabase, type Database } from '@membership/db';
import type { JobDefinition } from './job.js';
import { runJobNow } from './runs.js';
import { jobsMigrationsFolder } from './migrations.js';

/** A subgraph's job run once by hand (`npm run erasures:run`), as the servers would run it. */
export interface JobCommand {
  /** The command's name, as its logs say it (`erasures:run`). */
  name: string;
  /** The subgraph's settings: its database (Postgres, or the PGlite folder) and how much to log. */
  env: { DATABASE_URL?: string; PGLITE_DIR: string; LOG_LEVEL: LogLevel };
  /** The subgraph's migrations and the schema they own: applied first, so a fresh database works. */
  migrations: { folder: string; owner: string };
  job: (context: { database: Database; logger: Logger }) => JobDefinition;
  /** One line saying what the run did, from its result. */
  report: (result: Record<string, unknown>) => string;
}

/**
 * Runs the job once now, recorded in the job runs as a manual run, prints what it did (or why
 * it failed) and exits: 0 when it succeeded, 1 otherwise. With PGlite, stop `npm start` first.
 */
export async function runJobCommand(command: JobCommand): Promise<never> {
  const { env } = command;
  const logger = createLogger(command.name, env.LOG_LEVEL);
  const database = await openDatabase(env.DATABASE_URL ? { url: env.DATABASE_URL, poolSize: 1 } : { pgliteDir: env.PGLITE_DIR });
  let exitCode = 0;
  try {
    await database.migrate(command.migrations.folder, command.migrations.owner);
    await database.migrate(jobsMigrationsFolder, 'jobs');
    const run = await runJobNow(database.db, command.job({ database, logger }), { logger });
    if (run.result) process.stdout.write(`${command.report(run.result)}\n`);
    else process.stderr.write(`${run.error}\n`);
    if (run.status === 'failed') exitCode = 1;
  } catch (error) {
    exitCode = 1;
    process.stderr.write(`${String(error)}\n`);
  } finally {
    await database.close();
  }
  process.exit(exitCode);
}
