/**
 * Applies announced sanctions whose notice period is over and lifts temporary ones whose
 * end has passed, now. The servers run this as the job moderation.sanctions every 5
 * minutes; this command runs it by hand, recorded in jobRuns as a manual run:
 *
 *   npm run sanctions:run -w @membership/moderation
 *
 * Safe to run twice or concurrently: each pass is a conditional update. Uses DATABASE_URL,
 * or the PGlite folder PGLITE_DIR (stop `npm start` first with PGlite).
 */
import { createLogger } from '@membership/config';
import { openDatabase } from '@membership/db';
import { jobsMigrationsFolder, runJobNow } from '@membership/jobs';
import { SanctionsRepository } from '../db/sanctions-repository.js';
import { loadModerationEnv } from '../env.js';
import { sanctionsJob } from '../jobs.js';
import { migrationsFolder } from '../subgraph.js';

const env = loadModerationEnv();
const logger = createLogger('sanctions:run', env.LOG_LEVEL);
const database = await openDatabase(env.DATABASE_URL ? { url: env.DATABASE_URL, poolSize: 1 } : { pgliteDir: env.PGLITE_DIR });
let exitCode = 0;
try {
  await database.migrate(migrationsFolder, 'moderation');
  await database.migrate(jobsMigrationsFolder, 'jobs');
  const run = await runJobNow(database.db, sanctionsJob(new SanctionsRepository(database.db)), { logger });
  if (run.result) process.stdout.write(`Applied ${run.result.applied} sanction(s); lifted ${run.result.expired} that ended.\n`);
  else process.stderr.write(`${run.error}\n`);
  if (run.status === 'failed') exitCode = 1;
} catch (error) {
  exitCode = 1;
  process.stderr.write(`${String(error)}\n`);
} finally {
  await database.close();
}
process.exit(exitCode);
