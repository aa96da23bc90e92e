import type { BaseSubgraphContext } from '@membership/subgraph';
import type { OrdersLoaders } from './loaders.js';

export interface OrdersContext extends BaseSubgraphContext {
  loaders: OrdersLoaders;
}
