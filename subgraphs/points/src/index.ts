export { createPoints, typeDefs, name, migrationsFolder } from './subgraph.js';
export { createPointsConsumer, pointsHandlers } from './events.js';
export { seedPoints, type SeedPointsOptions } from './db/seed.js';
export { WELCOME_POINTS } from './domain/balance.js';
export { PointsRepository } from './db/points-repository.js';
