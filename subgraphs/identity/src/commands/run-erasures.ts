/**
 * Carries out every erasure request whose grace period is over: destroys each member's
 * data key, anonymises the account and records MemberErased for the other subgraphs.
 * The servers run this as the job identity.erasures on its schedule; this command runs it
 * by hand, recorded in jobRuns as a manual run:
 *
 *   npm run erasures:run
 *
 * Safe to run twice or concurrently: a request is erased once, under a row lock. Uses
 * DATABASE_URL, or the PGlite folder PGLITE_DIR (stop `npm start` first with PGlite).
 * Exits 1 when any erasure failed; those stay pending for the next run.
 */
import { runJobCommand } from '@membership/jobs';
import { loadIdentityEnv } from '../env.js';
import { erasuresJob } from '../jobs.js';
import { migrationsFolder } from '../subgraph.js';

const env = loadIdentityEnv();
await runJobCommand({
  name: 'erasures:run',
  env,
  migrations: { folder: migrationsFolder, owner: 'identity' },
  job: ({ database, logger }) => erasuresJob({ database, logger }),
  report: (r) => `Erased ${String(r.erased)} member(s); ${String(r.failed)} failed and stay pending.`,
});
