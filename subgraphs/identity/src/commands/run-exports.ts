/**
 * Assembles every pending data export: identity's part and each other subgraph's
 * memberDataExport (at EXPORT_SUBGRAPH_URLS), sealed with the member's data key; drops
 * expired documents. Meant for a scheduler, every few minutes:
 *
 *   npm run exports:run -w @membership/identity
 *
 * Uses DATABASE_URL, or the PGlite folder PGLITE_DIR (stop `npm start` first with PGlite).
 * Exits 1 when any export failed; the member sees FAILED and may ask again.
 */
import { createLogger } from '@membership/config';
import { openDatabase } from '@membership/db';
import { runPendingExports } from '../domain/data-export.js';
import { loadIdentityEnv } from '../env.js';
import { exportsFor, migrationsFolder } from '../subgraph.js';

const env = loadIdentityEnv();
const logger = createLogger('exports:run', env.LOG_LEVEL);
const database = await openDatabase(env.DATABASE_URL ? { url: env.DATABASE_URL, poolSize: 1 } : { pgliteDir: env.PGLITE_DIR });
let exitCode = 0;
try {
  await database.migrate(migrationsFolder, 'identity');
  const deps = exportsFor({ database, logger });
  const run = await runPendingExports(deps, deps.now());
  process.stdout.write(`${run.ready.length} export(s) ready, ${run.failed.length} failed, ${run.expired} expired document(s) dropped.\n`);
  if (run.failed.length > 0) exitCode = 1;
} catch (error) {
  exitCode = 1;
  process.stderr.write(`${String(error)}\n`);
} finally {
  await database.close();
}
process.exit(exitCode);
