export { createIdentity, accountsFor, typeDefs, name, type IdentityOptions } from './subgraph.js';
export { systemServices, type IdentityServices } from './services.js';
export type { Notifier, Notification } from './domain/notifier.js';
export { seedIdentity, type DemoMember } from './db/seed.js';
export { runDueErasures, type ErasureRun } from './domain/erasure.js';
export { runPendingExports, type ExportRun } from './domain/data-export.js';
export { remindExpiringVerifications } from './domain/verification-reminders.js';
export { identityJobs } from './jobs.js';
