import { subgraphEnv } from '@membership/subgraph';

/** The moderation subgraph's environment, parsed once: the shared settings, on port 4105 by default. */
export const loadModerationEnv = subgraphEnv(4105);

export type ModerationEnv = ReturnType<typeof loadModerationEnv>;
