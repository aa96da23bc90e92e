/** Runs the tiers subgraph alone (one container per server, against DATABASE_URL). */
import { runStandalone } from '@membership/subgraph';
import { createTiers } from './subgraph.js';

await runStandalone(createTiers);
