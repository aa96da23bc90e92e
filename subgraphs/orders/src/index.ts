export { createOrders, typeDefs, name, migrationsFolder } from './subgraph.js';
export { seedOrders, type SeedOrdersOptions } from './db/seed.js';
