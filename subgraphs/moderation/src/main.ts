/** Runs the moderation subgraph alone (one container per server, against DATABASE_URL). */
import { runStandalone } from '@membership/subgraph';
import { createModeration } from './subgraph.js';

await runStandalone(createModeration);
