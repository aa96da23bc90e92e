export { createIdentity, accountsFor, typeDefs, name, type IdentityOptions } from './subgraph.js';
export type { Notifier, Notification } from './domain/notifier.js';
export { seedIdentity, type DemoMember } from './db/seed.js';
