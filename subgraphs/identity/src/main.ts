/** Runs the identity subgraph alone (one container per server, against DATABASE_URL), with its scheduled jobs. */
import { runStandalone } from '@membership/subgraph';
import { identityJobs } from './jobs.js';
import { createIdentity } from './subgraph.js';

await runStandalone(createIdentity, { jobs: identityJobs });
