import { fileURLToPath } from 'node:url';
import { loadTypeDefs, type SubgraphModule, type SubgraphModuleOptions } from '@membership/subgraph';
import { createModerationConsumer } from './consumer.js';
import { SanctionsRepository } from './db/sanctions-repository.js';
import { outbox } from './db/schema.js';
import { loadModerationEnv } from './env.js';
import { createLoaders } from './loaders.js';
import { rules } from './permissions.js';
import { resolvers } from './resolvers/index.js';

export const name = 'moderation';
export const typeDefs = loadTypeDefs(new URL('./schema.graphql', import.meta.url));
export const migrationsFolder = fileURLToPath(new URL('../migrations', import.meta.url));

/** The moderation subgraph: sanctions and the standing they give a member. */
export function createModeration(options: SubgraphModuleOptions): SubgraphModule {
  const env = loadModerationEnv(options.env);
  const now = options.now ?? (() => new Date());
  const sanctions = new SanctionsRepository(options.database.db);
  return {
    name,
    migrationsFolder,
    producer: outbox,
    consumer: createModerationConsumer(options.database, { logger: options.logger, now: options.now }),
    port: env.PORT,
    host: env.HOST,
    signingSecret: env.INTERNAL_SIGNING_SECRET,
    definition: {
      name,
      typeDefs,
      resolvers: resolvers as never,
      rules,
      createContext: (base) => {
        const at = now();
        return { ...base, now: at, sanctions, loaders: createLoaders(sanctions, at) };
      },
    },
  };
}
