/**
 * Applies announced sanctions whose notice period is over and lifts temporary ones whose
 * end has passed, now. The servers run this as the job moderation.sanctions every 5
 * minutes; this command runs it by hand, recorded in jobRuns as a manual run:
 *
 *   npm run sanctions:run -w @membership/moderation
 *
 * Safe to run twice or concurrently: each pass is a conditional update. Uses DATABASE_URL,
 * or the PGlite folder PGLITE_DIR (stop `npm start` first with PGlite).
 */
import { runJobCommand } from '@membership/jobs';
import { SanctionsRepository } from '../db/sanctions-repository.js';
import { loadModerationEnv } from '../env.js';
import { sanctionsJob } from '../jobs.js';
import { migrationsFolder } from '../subgraph.js';

const env = loadModerationEnv();
await runJobCommand({
  name: 'sanctions:run',
  env,
  migrations: { folder: migrationsFolder, owner: 'moderation' },
  job: ({ database }) => sanctionsJob(new SanctionsRepository(database.db)),
  report: (r) => `Applied ${String(r.applied)} sanction(s); lifted ${String(r.expired)} that ended.`,
});
