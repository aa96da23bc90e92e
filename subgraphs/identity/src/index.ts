export { createIdentity, accountsFor, typeDefs, name } from './subgraph.js';
export { seedIdentity, type DemoMember } from './db/seed.js';
