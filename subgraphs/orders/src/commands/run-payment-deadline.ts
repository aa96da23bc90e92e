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
import { runJobCommand } from '@membership/jobs';
import { loadOrdersEnv } from '../env.js';
import { paymentDeadlineJob } from '../jobs.js';
import { migrationsFolder } from '../subgraph.js';

const env = loadOrdersEnv();
await runJobCommand({
  name: 'payment-deadline:run',
  env,
  migrations: { folder: migrationsFolder, owner: 'orders' },
  job: ({ database }) => paymentDeadlineJob(database.db),
  report: (r) => `Cancelled ${String(r.cancelled)} unpaid order(s).`,
});
