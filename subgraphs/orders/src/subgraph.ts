import { defineSubgraph } from '@membership/subgraph';
import type { OrdersContext } from './context.js';
import { ordersHandlers } from './consumer.js';
import { RiskRepository } from './db/risk-repository.js';
import { inbox, outbox } from './db/schema.js';
import { ordersScopeFor } from './domain/access.js';
import { loadOrdersEnv, type OrdersEnv } from './env.js';
import { completionJob, paymentDeadlineJob, taxRetentionJob } from './jobs.js';
import { createLoaders } from './loaders.js';
import { rules } from './permissions.js';
import { resolvers } from './resolvers/index.js';
import { ordersServices, ordersSettings, type OrdersOptions, type OrdersSettings } from './services.js';

export type { OrdersOptions } from './services.js';

/** The orders subgraph: checkout, payments, refunds and invoices, and the events they imply. */
const orders = defineSubgraph<OrdersContext, OrdersEnv, OrdersSettings, OrdersOptions>({
  name: 'orders',
  schema: new URL('./schema.graphql', import.meta.url),
  migrations: new URL('../migrations', import.meta.url),
  env: loadOrdersEnv,
  resolvers,
  rules,
  setup: ordersSettings,
  // Per request: the repositories see only what this viewer may see.
  context: ({ shared, viewer, db, now }) => {
    const services = ordersServices(shared, ordersScopeFor(viewer));
    return {
      orders: services.orders,
      services,
      risk: new RiskRepository(db),
      now,
      loaders: createLoaders(services.orders, services.refunds),
    };
  },
  outbox,
  consumer: { inbox, handlers: ordersHandlers },
  jobs: ({ db, env }) => [paymentDeadlineJob(db), completionJob(db), taxRetentionJob(db, env.ORDERS_TAX_RETENTION_YEARS)],
});

export const { name, typeDefs, migrationsFolder } = orders;
export const createOrders = orders.create;
