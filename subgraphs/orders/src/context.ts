import type { BaseSubgraphContext } from '@membership/subgraph';
import type { OrdersRepository } from './db/orders-repository.js';
import type { OrdersLoaders } from './loaders.js';

export interface OrdersContext extends BaseSubgraphContext {
  loaders: OrdersLoaders;
  /** Orders as this request may see them (its scope). */
  orders: OrdersRepository;
  now: () => Date;
}
