/**
 * Re-evaluates every member now: upgrades missed, downgrades announced for the end of the
 * grace period (TIERS_DOWNGRADE_GRACE_DAYS) and applied once it is over. The servers run
 * this as the job tiers.reevaluation every day; this command runs it by hand, recorded in
 * jobRuns as a manual run:
 *
 *   npm run reevaluation:run -w @membership/tiers
 *
 * Safe to run twice: the second run at the same moment changes nothing. Uses DATABASE_URL,
 * or the PGlite folder PGLITE_DIR (stop `npm start` first with PGlite).
 */
import { runJobCommand } from '@membership/jobs';
import { loadTiersEnv } from '../env.js';
import { reevaluationJob } from '../jobs.js';
import { migrationsFolder } from '../subgraph.js';

const env = loadTiersEnv();
await runJobCommand({
  name: 'reevaluation:run',
  env,
  migrations: { folder: migrationsFolder, owner: 'tiers' },
  job: ({ database }) => reevaluationJob(database.db, env),
  report: (r) => `Re-evaluated: ${JSON.stringify(r)}`,
});
