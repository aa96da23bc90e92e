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
import { runJobCommand } from '@membership/jobs';
import { loadIdentityEnv } from '../env.js';
import { verificationRemindersJob } from '../jobs.js';
import { migrationsFolder } from '../subgraph.js';

const env = loadIdentityEnv();
await runJobCommand({
  name: 'verifications:remind',
  env,
  migrations: { folder: migrationsFolder, owner: 'identity' },
  job: ({ database, logger }) => verificationRemindersJob({ database, logger }),
  report: (r) => `Reminded ${String(r.reminded)} verification(s) about to expire.`,
});
