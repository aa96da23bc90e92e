/**
 * Carries out every erasure request whose grace period is over: destroys each member's
 * data key, anonymises the account and records MemberErased for the other subgraphs.
 * The servers run this as the job identity.erasures on its schedule; this command runs it
 * by hand, recorded in jobRuns as a manual run:
 *
 *   npm run erasures:run
 *
 * Safe to run twice or concurrently: a request is erased once, under a row lock. Uses
 * DATABASE_URL, or the PGlite folder PGLITE_DIR (stop `npm start` first with PGlite).
 * Exits 1 when any erasure failed; those stay pending for the next run.
 */
import { createLogger } from '@membership/config';
import { openDatabase } from '@membership/db';
import { jobsMigrationsFolder, runJobNow } from '@membership/jobs';
import { loadIdentityEnv } from '../env.js';
import { erasuresJob } from '../jobs.js';
import { migrationsFolder } from '../subgraph.js';

const env = loadIdentityEnv();
const logger = createLogger('erasures:run', env.LOG_LEVEL);
const database = await openDatabase(env.DATABASE_URL ? { url: env.DATABASE_URL, poolSize: 1 } : { pgliteDir: env.PGLITE_DIR });
let exitCode = 0;
try {
  await database.migrate(migrationsFolder, 'identity');
  await database.migrate(jobsMigrationsFolder, 'jobs');
  const run = await runJobNow(database.db, erasuresJob({ database, logger }), { logger });
  if (run.result) process.stdout.write(`Erased ${run.result.erased} member(s); ${run.result.failed} failed and stay pending.\n`);
  else process.stderr.write(`${run.error}\n`);
  if (run.status === 'failed') exitCode = 1;
} catch (error) {
  exitCode = 1;
  process.stderr.write(`${String(error)}\n`);
} finally {
  await database.close();
}
process.exit(exitCode);
