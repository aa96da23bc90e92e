/**
 * Carries out every erasure request whose grace period is over: destroys each member's
 * data key, anonymises the account and records MemberErased for the other subgraphs.
 * Meant for a scheduler (cron, a Kubernetes CronJob) once an hour or a day:
 *
 *   npm run erasures:run
 *
 * Safe to run twice or concurrently: a request is erased once, under a row lock. Uses
 * DATABASE_URL, or the PGlite folder PGLITE_DIR (stop `npm start` first with PGlite).
 * Exits 1 when any erasure failed; those stay pending for the next run.
 */
import { createLogger } from '@membership/config';
import { openDatabase } from '@membership/db';
import { runDueErasures } from '../domain/erasure.js';
import { loadIdentityEnv } from '../env.js';
import { erasureFor, migrationsFolder } from '../subgraph.js';

const env = loadIdentityEnv();
const logger = createLogger('erasures:run', env.LOG_LEVEL);
const database = await openDatabase(env.DATABASE_URL ? { url: env.DATABASE_URL, poolSize: 1 } : { pgliteDir: env.PGLITE_DIR });
let exitCode = 0;
try {
  await database.migrate(migrationsFolder, 'identity');
  const deps = erasureFor({ database, logger });
  const erased: string[] = [];
  const failed: string[] = [];
  // Batches until a run finds nothing more that it can erase.
  for (;;) {
    const run = await runDueErasures(deps, deps.now());
    erased.push(...run.erased);
    failed.push(...run.failed);
    if (run.erased.length === 0) break;
  }
  process.stdout.write(`Erased ${erased.length} member${erased.length === 1 ? '' : 's'}; ${failed.length} failed and stay pending.\n`);
  if (failed.length > 0) exitCode = 1;
} catch (error) {
  exitCode = 1;
  process.stderr.write(`${String(error)}\n`);
} finally {
  await database.close();
}
process.exit(exitCode);
