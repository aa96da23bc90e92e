/**
 * Puts a VERIFICATION_EXPIRING notice in the inbox of every member whose real-name
 * verification lapses within VERIFICATION_RENEW_DAYS_BEFORE days. The servers run this as
 * the job identity.verification-reminders on its schedule; this command runs it by hand,
 * recorded in jobRuns as a manual run:
 *
 *   npm run verifications:remind -w @membership/identity
 *
 * Safe to run twice or concurrently: each verification is reminded of once. Uses
 * DATABASE_URL, or the PGlite folder PGLITE_DIR (stop `npm start` first with PGlite).
 */
import { createLogger } from '@membership/config';
import { openDatabase } from '@membership/db';
import { jobsMigrationsFolder, runJobNow } from '@membership/jobs';
import { loadIdentityEnv } from '../env.js';
import { verificationRemindersJob } from '../jobs.js';
import { migrationsFolder } from '../subgraph.js';

const env = loadIdentityEnv();
const logger = createLogger('verifications:remind', env.LOG_LEVEL);
const database = await openDatabase(env.DATABASE_URL ? { url: env.DATABASE_URL, poolSize: 1 } : { pgliteDir: env.PGLITE_DIR });
let exitCode = 0;
try {
  await database.migrate(migrationsFolder, 'identity');
  await database.migrate(jobsMigrationsFolder, 'jobs');
  const run = await runJobNow(database.db, verificationRemindersJob({ database, logger }), { logger });
  if (run.result) process.stdout.write(`Reminded ${run.result.reminded} verification(s) about to expire.\n`);
  else process.stderr.write(`${run.error}\n`);
  if (run.status === 'failed') exitCode = 1;
} catch (error) {
  exitCode = 1;
  process.stderr.write(`${String(error)}\n`);
} finally {
  await database.close();
}
process.exit(exitCode);
