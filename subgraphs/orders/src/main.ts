/** Runs the orders subgraph alone (one container per server, against DATABASE_URL). */
import { runStandalone } from '@membership/subgraph';
import { createOrders } from './subgraph.js';

await runStandalone(createOrders);
