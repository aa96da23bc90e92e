import type { BaseSubgraphContext } from '@membership/subgraph';
import type { TiersRepository } from './db/tiers-repository.js';
import type { TiersLoaders } from './loaders.js';

export interface TiersContext extends BaseSubgraphContext {
  tiers: TiersRepository;
  loaders: TiersLoaders;
  now: () => Date;
}
