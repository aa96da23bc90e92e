/**
 * Cancels every order still unpaid at its payment deadline (PAYMENT_DEADLINE_MINUTES),
 * with its OrderCancelled event (points releases the hold) and the member's notice. The
 * servers run this as the job orders.payment-deadline every minute; this command runs it
 * by hand, recorded in jobRuns as a manual run:
 *
 *   npm run payment-deadline:run -w @membership/orders
 *
 * Safe to run twice or beside the servers: a cancelled order is no longer PLACED, and rows
 * another run holds are skipped. Uses DATABASE_URL, or the PGlite folder PGLITE_DIR (stop
 * `npm start` first with PGlite).
 */
import { createLogger } from '@membership/config';
import { openDatabase } from '@membership/db';
import { jobsMigrationsFolder, runJobNow } from '@membership/jobs';
import { loadOrdersEnv } from '../env.js';
import { paymentDeadlineJob } from '../jobs.js';
import { migrationsFolder } from '../subgraph.js';

const env = loadOrdersEnv();
const logger = createLogger('payment-deadline:run', env.LOG_LEVEL);
const database = await openDatabase(env.DATABASE_URL ? { url: env.DATABASE_URL, poolSize: 1 } : { pgliteDir: env.PGLITE_DIR });
let exitCode = 0;
try {
  await database.migrate(migrationsFolder, 'orders');
  await database.migrate(jobsMigrationsFolder, 'jobs');
  const run = await runJobNow(database.db, paymentDeadlineJob(database.db), { logger });
  if (run.result) process.stdout.write(`Cancelled ${String(run.result.cancelled)} unpaid order(s).\n`);
  else process.stderr.write(`${run.error}\n`);
  if (run.status === 'failed') exitCode = 1;
} catch (error) {
  exitCode = 1;
  process.stderr.write(`${String(error)}\n`);
} finally {
  await database.close();
}
process.exit(exitCode);
