/**
 * Applies the announced benefit changes whose date has come, now: each is marked applied
 * and TierBenefitChangeApplied goes out for it (points moves every member of the tier to a
 * new multiplier). The servers run this as the job tiers.benefit_changes every minute; this
 * command runs it by hand, recorded in jobRuns as a manual run:
 *
 *   npm run benefit-changes:run -w @membership/tiers
 *
 * Safe to run twice: a change is applied once. Uses DATABASE_URL, or the PGlite folder
 * PGLITE_DIR (stop `npm start` first with PGlite).
 */
import { createLogger } from '@membership/config';
import { openDatabase } from '@membership/db';
import { jobsMigrationsFolder, runJobNow } from '@membership/jobs';
import { loadTiersEnv } from '../env.js';
import { benefitChangesJob } from '../jobs.js';
import { migrationsFolder } from '../subgraph.js';

const env = loadTiersEnv();
const logger = createLogger('benefit-changes:run', env.LOG_LEVEL);
const database = await openDatabase(env.DATABASE_URL ? { url: env.DATABASE_URL, poolSize: 1 } : { pgliteDir: env.PGLITE_DIR });
let exitCode = 0;
try {
  await database.migrate(migrationsFolder, 'tiers');
  await database.migrate(jobsMigrationsFolder, 'jobs');
  const run = await runJobNow(database.db, benefitChangesJob(database.db), { logger });
  if (run.result) process.stdout.write(`Benefit changes: ${JSON.stringify(run.result)}\n`);
  else process.stderr.write(`${run.error}\n`);
  if (run.status === 'failed') exitCode = 1;
} catch (error) {
  exitCode = 1;
  process.stderr.write(`${String(error)}\n`);
} finally {
  await database.close();
}
process.exit(exitCode);
