import { fileURLToPath } from 'node:url';
import { loadTypeDefs, type SubgraphModule, type SubgraphModuleOptions } from '@membership/subgraph';
import { PointsRepository } from './db/points-repository.js';
import { outbox } from './db/schema.js';
import { loadPointsEnv } from './env.js';
import { createPointsConsumer } from './events.js';
import { createLoaders } from './loaders.js';
import { rules } from './permissions.js';
import { resolvers } from './resolvers/index.js';

export const name = 'points';
export const typeDefs = loadTypeDefs(new URL('./schema.graphql', import.meta.url));
export const migrationsFolder = fileURLToPath(new URL('../migrations', import.meta.url));

/** The points subgraph: each member's balance and the ledger of changes behind it. */
export function createPoints(options: SubgraphModuleOptions): SubgraphModule {
  const env = loadPointsEnv(options.env);
  const points = new PointsRepository(options.database.db);
  const now = options.now ?? (() => new Date());
  return {
    name,
    migrationsFolder,
    producer: outbox,
    consumer: createPointsConsumer(options.database.db, { logger: options.logger, now: options.now }),
    port: env.PORT,
    host: env.HOST,
    signingSecret: env.INTERNAL_SIGNING_SECRET,
    definition: {
      name,
      typeDefs,
      resolvers: resolvers as never,
      rules,
      createContext: (base) => ({ ...base, points, now, loaders: createLoaders(points) }),
    },
  };
}
