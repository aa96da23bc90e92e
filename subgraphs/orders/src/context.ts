import type { BaseSubgraphContext } from '@membership/subgraph';
import type { OrderLineRow, OrdersRepository } from './db/orders-repository.js';
import type { RiskRepository } from './db/risk-repository.js';
import type { OrdersLoaders } from './loaders.js';
import type { OrdersServices } from './services.js';

export interface OrdersContext extends BaseSubgraphContext {
  loaders: OrdersLoaders;
  /** Orders as this request may see them (its scope). */
  orders: OrdersRepository;
  /** Checkout, payments, refunds and invoices over this request's scope. */
  services: OrdersServices;
  /** The risk flag queue (its rules allow only staff with risk:review). */
  risk: RiskRepository;
  now: () => Date;
}

/** A line as `Order.lines` hands it on: the row plus its order's currency, for its prices. */
export type LineInOrder = OrderLineRow & { currency: string };
