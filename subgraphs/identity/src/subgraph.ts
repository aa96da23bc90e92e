import { JobRunsRepository } from '@membership/jobs';
import { defineSubgraph } from '@membership/subgraph';
import { identityHandlers } from './consumer.js';
import type { IdentityContext } from './context.js';
import { inbox, outbox } from './db/schema.js';
import { identityStores } from './db/stores.js';
import { memberDataScopeFor } from './domain/scope.js';
import { loadIdentityEnv, type IdentityEnv } from './env.js';
import { notifierMode } from './notifications/setup.js';
import { createLoaders } from './loaders.js';
import { rules } from './permissions.js';
import { productionContext } from './production.js';
import { resolvers } from './resolvers/index.js';
import {
  identityServices,
  identitySettings,
  systemServices,
  type IdentityOptions,
  type IdentityServices,
  type IdentitySettings,
} from './services.js';

export type { IdentityOptions } from './services.js';

/**
 * The identity subgraph: accounts, sign-in, the member's profile and the PII access log.
 * Its jobs need the other servers' URLs, so the host builds them (identityJobs), not the module.
 */
const identity = defineSubgraph<IdentityContext, IdentityEnv, IdentitySettings, IdentityOptions>({
  name: 'identity',
  schema: new URL('./schema.graphql', import.meta.url),
  migrations: new URL('../migrations', import.meta.url),
  env: loadIdentityEnv,
  resolvers,
  rules,
  // Identity accepts no other service: only the gateway's key (forwarded viewers, the access log).
  trusts: ['gateway'],
  setup: identitySettings,
  context: ({ shared, viewer }) => {
    // Every repository of this request sees what its viewer may see.
    const stores = identityStores(shared.db, shared.ring, memberDataScopeFor(viewer));
    return {
      ...identityServices(shared, stores),
      stores,
      now: shared.now,
      piiPolicy: shared.piiPolicy,
      jobRuns: new JobRunsRepository(shared.db),
      loaders: createLoaders(stores, shared.now),
      production: productionContext(shared, memberDataScopeFor(viewer)),
    };
  },
  outbox,
  consumer: { inbox, handlers: ({ env }) => identityHandlers({ emailOutOfApp: notifierMode(env) === 'deliver' }) },
});

export const { name, typeDefs, migrationsFolder } = identity;
export const createIdentity = identity.create;

/** Identity's account services outside any request: what seeding registers the demo members with. */
export function accountsFor(options: IdentityOptions): IdentityServices['accounts'] {
  return systemServices(options).accounts;
}
