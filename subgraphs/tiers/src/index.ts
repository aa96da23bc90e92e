export { createTiers, typeDefs, name } from './subgraph.js';
export { seedTiers } from './db/seed.js';
export { TIER_LADDER, type TierCode } from './domain/tiers.js';
