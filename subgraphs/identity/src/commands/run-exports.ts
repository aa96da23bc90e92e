/**
 * Assembles every pending data export: identity's part and each other subgraph's
 * memberDataExport (at EXPORT_SUBGRAPH_URLS), sealed with the member's data key; drops
 * expired documents. The servers run this as the job identity.exports on its schedule;
 * this command runs it by hand, recorded in jobRuns as a manual run:
 *
 *   npm run exports:run -w @membership/identity
 *
 * Uses DATABASE_URL, or the PGlite folder PGLITE_DIR (stop `npm start` first with PGlite).
 * Exits 1 when any export failed; the member sees FAILED and may ask again.
 */
import { createLogger } from '@membership/config';
import { openDatabase } from '@membership/db';
import { jobsMigrationsFolder, runJobNow } from '@membership/jobs';
import { loadIdentityEnv } from '../env.js';
import { exportsJob } from '../jobs.js';
import { migrationsFolder } from '../subgraph.js';

const env = loadIdentityEnv();
const logger = createLogger('exports:run', env.LOG_LEVEL);
const database = await openDatabase(env.DATABASE_URL ? { url: env.DATABASE_URL, poolSize: 1 } : { pgliteDir: env.PGLITE_DIR });
let exitCode = 0;
try {
  await database.migrate(migrationsFolder, 'identity');
  await database.migrate(jobsMigrationsFolder, 'jobs');
  const run = await runJobNow(database.db, exportsJob({ database, logger }), { logger });
  if (run.result) {
    process.stdout.write(`${run.result.ready} export(s) ready, ${run.result.failed} failed, ${run.result.expired} expired document(s) dropped.\n`);
  } else process.stderr.write(`${run.error}\n`);
  if (run.status === 'failed') exitCode = 1;
} catch (error) {
  exitCode = 1;
  process.stderr.write(`${String(error)}\n`);
} finally {
  await database.close();
}
process.exit(exitCode);
