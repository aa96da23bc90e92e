/** Runs the identity subgraph alone (one container per server, against DATABASE_URL). */
import { runStandalone } from '@membership/subgraph';
import { createIdentity } from './subgraph.js';

await runStandalone(createIdentity);
