import { fileURLToPath } from 'node:url';
import { loadTypeDefs, type SubgraphModule, type SubgraphModuleOptions } from '@membership/subgraph';
import { createOrdersConsumer } from './consumer.js';
import { OrdersRepository } from './db/orders-repository.js';
import { outbox } from './db/schema.js';
import { ordersScopeFor } from './domain/access.js';
import { loadOrdersEnv } from './env.js';
import { createLoaders } from './loaders.js';
import { rules } from './permissions.js';
import { resolvers } from './resolvers/index.js';

export const name = 'orders';
export const typeDefs = loadTypeDefs(new URL('./schema.graphql', import.meta.url));
export const migrationsFolder = fileURLToPath(new URL('../migrations', import.meta.url));

/** The orders subgraph: what members bought and paid, and the OrderPaid events it implies. */
export function createOrders(options: SubgraphModuleOptions): SubgraphModule {
  const env = loadOrdersEnv(options.env);
  const { db } = options.database;
  const now = options.now ?? (() => new Date());
  return {
    name,
    migrationsFolder,
    producer: outbox,
    consumer: createOrdersConsumer(options.database, { logger: options.logger, now: options.now }),
    port: env.PORT,
    host: env.HOST,
    signingSecret: env.INTERNAL_SIGNING_SECRET,
    definition: {
      name,
      typeDefs,
      resolvers: resolvers as never,
      rules,
      createContext: (base) => {
        const orders = new OrdersRepository(db, ordersScopeFor(base.viewer));
        return { ...base, now, orders, loaders: createLoaders(orders) };
      },
    },
  };
}
