import { subgraphEnv } from '@membership/subgraph';

/** Orders' environment, parsed once: the shared settings, on port 4104 by default. */
export const loadOrdersEnv = subgraphEnv(4104);

export type OrdersEnv = ReturnType<typeof loadOrdersEnv>;
