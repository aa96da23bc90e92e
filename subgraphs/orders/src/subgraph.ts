import { defineSubgraph } from '@membership/subgraph';
import type { OrdersContext } from './context.js';
import { ordersHandlers } from './consumer.js';
import { OrdersRepository } from './db/orders-repository.js';
import { inbox, outbox } from './db/schema.js';
import { ordersScopeFor } from './domain/access.js';
import { loadOrdersEnv, type OrdersEnv } from './env.js';
import { createLoaders } from './loaders.js';
import { rules } from './permissions.js';
import { resolvers } from './resolvers/index.js';

/** The orders subgraph: what members bought and paid, and the OrderPaid events it implies. */
const orders = defineSubgraph<OrdersContext, OrdersEnv>({
  name: 'orders',
  schema: new URL('./schema.graphql', import.meta.url),
  migrations: new URL('../migrations', import.meta.url),
  env: loadOrdersEnv,
  resolvers,
  rules,
  context: ({ db, viewer, now }) => {
    const repository = new OrdersRepository(db, ordersScopeFor(viewer));
    return { orders: repository, now, loaders: createLoaders(repository) };
  },
  outbox,
  consumer: { inbox, handlers: ordersHandlers },
});

export const { name, typeDefs, migrationsFolder } = orders;
export const createOrders = orders.create;
