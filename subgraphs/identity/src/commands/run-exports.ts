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
import { runJobCommand } from '@membership/jobs';
import { loadIdentityEnv } from '../env.js';
import { exportsJob } from '../jobs.js';
import { migrationsFolder } from '../subgraph.js';

const env = loadIdentityEnv();
await runJobCommand({
  name: 'exports:run',
  env,
  migrations: { folder: migrationsFolder, owner: 'identity' },
  job: ({ database, logger }) => exportsJob({ database, logger }),
  report: (r) => `${String(r.ready)} export(s) ready, ${String(r.failed)} failed, ${String(r.expired)} expired document(s) dropped.`,
});
