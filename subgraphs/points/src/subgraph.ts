import { defineSubgraph } from '@membership/subgraph';
import type { PointsContext } from './context.js';
import { PointsRepository } from './db/points-repository.js';
import { inbox, outbox } from './db/schema.js';
import { loadPointsEnv, type PointsEnv } from './env.js';
import { pointsHandlers } from './events.js';
import { createLoaders } from './loaders.js';
import { rules } from './permissions.js';
import { resolvers } from './resolvers/index.js';

/** The points subgraph: each member's balance and the ledger of changes behind it. */
const points = defineSubgraph<PointsContext, PointsEnv>({
  name: 'points',
  schema: new URL('./schema.graphql', import.meta.url),
  migrations: new URL('../migrations', import.meta.url),
  env: loadPointsEnv,
  resolvers,
  rules,
  // Reads are by member id, and the rules let only that member or staff with points:read ask.
  context: ({ db, now }) => {
    const repository = new PointsRepository(db);
    return { points: repository, now, loaders: createLoaders(repository) };
  },
  outbox,
  consumer: { inbox, handlers: pointsHandlers },
});

export const { name, typeDefs, migrationsFolder } = points;
export const createPoints = points.create;
