import { subgraphEnv } from '@membership/subgraph';

/** The tiers subgraph's environment, parsed once: the shared settings, on port 4102 by default. */
export const loadTiersEnv = subgraphEnv(4102);

export type TiersEnv = ReturnType<typeof loadTiersEnv>;
