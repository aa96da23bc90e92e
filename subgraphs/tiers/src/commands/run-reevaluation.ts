/**
 * Re-evaluates every member now: upgrades missed, downgrades announced for the end of the
 * grace period (TIERS_DOWNGRADE_GRACE_DAYS) and applied once it is over. The servers run
 * this as the job tiers.reevaluation every day; this command runs it by hand, recorded in
 * jobRuns as a manual run:
 *
 *   npm run reevaluation:run -w @membership/tiers
 *
 * Safe to run twice: the second run at the same moment changes nothing. Uses DATABASE_URL,
 * or the PGlite folder PGLITE_DIR (stop `npm start` first with PGlite).
 */
import { createLogger } from '@membership/config';
import { openDatabase } from '@membership/db';
import { jobsMigrationsFolder, runJobNow } from '@membership/jobs';
import { loadTiersEnv } from '../env.js';
import { reevaluationJob } from '../jobs.js';
import { migrationsFolder } from '../subgraph.js';

const env = loadTiersEnv();
const logger = createLogger('reevaluation:run', env.LOG_LEVEL);
const database = await openDatabase(env.DATABASE_URL ? { url: env.DATABASE_URL, poolSize: 1 } : { pgliteDir: env.PGLITE_DIR });
let exitCode = 0;
try {
  await database.migrate(migrationsFolder, 'tiers');
  await database.migrate(jobsMigrationsFolder, 'jobs');
  const run = await runJobNow(database.db, reevaluationJob(database.db, env), { logger });
  if (run.result) process.stdout.write(`Re-evaluated: ${JSON.stringify(run.result)}\n`);
  else process.stderr.write(`${run.error}\n`);
  if (run.status === 'failed') exitCode = 1;
} catch (error) {
  exitCode = 1;
  process.stderr.write(`${String(error)}\n`);
} finally {
  await database.close();
}
process.exit(exitCode);
