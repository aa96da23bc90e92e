import type { BaseSubgraphContext } from '@membership/subgraph';
import type { OrderLineRow, OrdersRepository } from './db/orders-repository.js';
import type { OrdersLoaders } from './loaders.js';

export interface OrdersContext extends BaseSubgraphContext {
  loaders: OrdersLoaders;
  /** Orders as this request may see them (its scope). */
  orders: OrdersRepository;
  now: () => Date;
}

/** A line as `Order.lines` hands it on: the row plus its order's currency, for its prices. */
export type LineInOrder = OrderLineRow & { currency: string };
