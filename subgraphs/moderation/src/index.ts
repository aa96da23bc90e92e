export { createModeration, typeDefs, name } from './subgraph.js';
export { seedModeration } from './db/seed.js';
export { standingFrom, type SanctionKind, type StandingStatus } from './domain/standing.js';
