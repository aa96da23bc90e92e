import type { BaseSubgraphContext } from '@membership/subgraph';
import type { PointsLoaders } from './loaders.js';

export interface PointsContext extends BaseSubgraphContext {
  loaders: PointsLoaders;
}
