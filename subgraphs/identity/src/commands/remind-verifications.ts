/**
 * Puts a VERIFICATION_EXPIRING notice in the inbox of every member whose real-name
 * verification lapses within VERIFICATION_RENEW_DAYS_BEFORE days. Meant for a scheduler
 * (cron, a Kubernetes CronJob) once a day:
 *
 *   npm run verifications:remind -w @membership/identity
 *
 * Safe to run twice or concurrently: each verification is reminded of once. Uses
 * DATABASE_URL, or the PGlite folder PGLITE_DIR (stop `npm start` first with PGlite).
 */
import { createLogger } from '@membership/config';
import { openDatabase } from '@membership/db';
import { remindExpiringVerifications } from '../domain/verification-reminders.js';
import { loadIdentityEnv } from '../env.js';
import { migrationsFolder, remindersFor } from '../subgraph.js';

const env = loadIdentityEnv();
const logger = createLogger('verifications:remind', env.LOG_LEVEL);
const database = await openDatabase(env.DATABASE_URL ? { url: env.DATABASE_URL, poolSize: 1 } : { pgliteDir: env.PGLITE_DIR });
let exitCode = 0;
try {
  await database.migrate(migrationsFolder, 'identity');
  const added = await remindExpiringVerifications(remindersFor({ database, logger }), new Date());
  process.stdout.write(`Reminded ${added} verification${added === 1 ? '' : 's'} about to expire.\n`);
} catch (error) {
  exitCode = 1;
  process.stderr.write(`${String(error)}\n`);
} finally {
  await database.close();
}
process.exit(exitCode);
