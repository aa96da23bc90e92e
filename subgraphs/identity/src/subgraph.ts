import { fileURLToPath } from 'node:url';
import { JobRunsRepository } from '@membership/jobs';
import { loadTypeDefs, type SubgraphModule } from '@membership/subgraph';
import { createIdentityConsumer } from './consumer.js';
import type { IdentityContext } from './context.js';
import { outbox } from './db/schema.js';
import { identityStores } from './db/stores.js';
import { memberDataScopeFor } from './domain/scope.js';
import { createLoaders } from './loaders.js';
import { rules } from './permissions.js';
import { resolvers } from './resolvers/index.js';
import { identityServices, identitySettings, systemServices, type IdentityOptions, type IdentityServices } from './services.js';

export type { IdentityOptions } from './services.js';

export const name = 'identity';
export const typeDefs = loadTypeDefs(new URL('./schema.graphql', import.meta.url));
export const migrationsFolder = fileURLToPath(new URL('../migrations', import.meta.url));

/** Identity's account services outside any request: what seeding registers the demo members with. */
export function accountsFor(options: IdentityOptions): IdentityServices['accounts'] {
  return systemServices(options).accounts;
}

/** The identity subgraph: accounts, sign-in, the member's profile and the PII access log. */
export function createIdentity(options: IdentityOptions): SubgraphModule {
  const settings = identitySettings(options);
  const { env, db, ring, now } = settings;
  return {
    name,
    migrationsFolder,
    producer: outbox,
    consumer: createIdentityConsumer(options.database, { logger: options.logger, now: options.now }),
    port: env.PORT,
    host: env.HOST,
    trustedKeys: { gateway: env.GATEWAY_PUBLIC_KEY },
    definition: {
      name,
      typeDefs,
      resolvers: resolvers as never,
      rules,
      createContext: (base) => {
        // Every repository of this request sees what its viewer may see.
        const stores = identityStores(db, ring, memberDataScopeFor(base.viewer));
        return {
          ...base,
          ...identityServices(settings, stores),
          stores,
          now,
          jobRuns: new JobRunsRepository(db),
          loaders: createLoaders(stores, now),
        } satisfies IdentityContext;
      },
    },
  };
}
