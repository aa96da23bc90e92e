/**
 * Applies the announced benefit changes whose date has come, now: each is marked applied
 * and TierBenefitChangeApplied goes out for it (points moves every member of the tier to a
 * new multiplier). The servers run this as the job tiers.benefit_changes every minute; this
 * command runs it by hand, recorded in jobRuns as a manual run:
 *
 *   npm run benefit-changes:run -w @membership/tiers
 *
 * Safe to run twice: a change is applied once. Uses DATABASE_URL, or the PGlite folder
 * PGLITE_DIR (stop `npm start` first with PGlite).
 */
import { runJobCommand } from '@membership/jobs';
import { loadTiersEnv } from '../env.js';
import { benefitChangesJob } from '../jobs.js';
import { migrationsFolder } from '../subgraph.js';

const env = loadTiersEnv();
await runJobCommand({
  name: 'benefit-changes:run',
  env,
  migrations: { folder: migrationsFolder, owner: 'tiers' },
  job: ({ database }) => benefitChangesJob(database.db),
  report: (r) => `Benefit changes: ${JSON.stringify(r)}`,
});
