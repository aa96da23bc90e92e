import type { BaseSubgraphContext } from '@membership/subgraph';
import type { PointsRepository } from './db/points-repository.js';
import type { PointsPolicy } from './domain/policy.js';
import type { PointsLoaders } from './loaders.js';

export interface PointsContext extends BaseSubgraphContext {
  loaders: PointsLoaders;
  points: PointsRepository;
  policy: PointsPolicy;
  now: () => Date;
}
