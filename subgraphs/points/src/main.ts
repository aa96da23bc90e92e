/** Runs the points subgraph alone (one container per server, against DATABASE_URL). */
import { runStandalone } from '@membership/subgraph';
import { createPoints } from './subgraph.js';

await runStandalone(createPoints);
