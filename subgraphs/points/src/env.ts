import { subgraphEnv } from '@membership/subgraph';

/** Points' environment, parsed once: the shared settings, on port 4103 by default. */
export const loadPointsEnv = subgraphEnv(4103);

export type PointsEnv = ReturnType<typeof loadPointsEnv>;
