import { defineSubgraph } from '@membership/subgraph';
import type { PointsContext } from './context.js';
import { PointsRepository } from './db/points-repository.js';
import { inbox, outbox } from './db/schema.js';
import { policyFrom } from './domain/policy.js';
import { loadPointsEnv, type PointsEnv } from './env.js';
import { pointsHandlersFor } from './events.js';
import { pointsJobs } from './jobs.js';
import { createLoaders } from './loaders.js';
import { rules } from './permissions.js';
import { resolvers } from './resolvers/index.js';

/** The points subgraph: each member's balance, the ledger and lots behind it, holds for orders. */
const points = defineSubgraph<PointsContext, PointsEnv, { policy: ReturnType<typeof policyFrom> }>({
  name: 'points',
  schema: new URL('./schema.graphql', import.meta.url),
  migrations: new URL('../migrations', import.meta.url),
  env: loadPointsEnv,
  resolvers,
  rules,
  setup: ({ env }) => ({ policy: policyFrom(env) }),
  // Reads are by member id, and the rules let only that member or staff with points:read ask.
  context: ({ db, now, shared }) => {
    const repository = new PointsRepository(db, shared.policy.anniversary);
    return { points: repository, now, policy: shared.policy, loaders: createLoaders(repository, now, shared.policy) };
  },
  outbox,
  consumer: { inbox, handlers: ({ env }) => pointsHandlersFor(policyFrom(env)) },
  jobs: ({ db, shared }) => pointsJobs(db, shared.policy),
  // Orders calls holdPointsForOrder, signed with its own key.
  trusts: ['gateway', 'identity', 'orders'],
});

export const { name, typeDefs, migrationsFolder } = points;
export const createPoints = points.create;
