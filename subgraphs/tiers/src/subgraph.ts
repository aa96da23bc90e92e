import { fileURLToPath } from 'node:url';
import { loadTypeDefs, type SubgraphModule, type SubgraphModuleOptions } from '@membership/subgraph';
import { createTiersConsumer } from './consumer.js';
import { outbox } from './db/schema.js';
import { TiersRepository } from './db/tiers-repository.js';
import { loadTiersEnv } from './env.js';
import { createLoaders } from './loaders.js';
import { rules } from './permissions.js';
import { resolvers } from './resolvers/index.js';

export const name = 'tiers';
export const typeDefs = loadTypeDefs(new URL('./schema.graphql', import.meta.url));
export const migrationsFolder = fileURLToPath(new URL('../migrations', import.meta.url));

/** The tiers subgraph: the tier ladder and each member's place on it. */
export function createTiers(options: SubgraphModuleOptions): SubgraphModule {
  const env = loadTiersEnv(options.env);
  const tiers = new TiersRepository(options.database.db);
  const now = options.now ?? (() => new Date());
  return {
    name,
    migrationsFolder,
    producer: outbox,
    consumer: createTiersConsumer(options.database, { logger: options.logger, now: options.now }),
    port: env.PORT,
    host: env.HOST,
    signingSecret: env.INTERNAL_SIGNING_SECRET,
    definition: {
      name,
      typeDefs,
      resolvers: resolvers as never,
      rules,
      createContext: (base) => ({ ...base, tiers, now, loaders: createLoaders(tiers) }),
    },
  };
}
