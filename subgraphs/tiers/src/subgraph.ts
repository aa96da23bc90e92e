import { defineSubgraph } from '@membership/subgraph';
import type { TiersContext } from './context.js';
import { tiersHandlers } from './consumer.js';
import { inbox, outbox } from './db/schema.js';
import { TiersRepository } from './db/tiers-repository.js';
import { loadTiersEnv, type TiersEnv } from './env.js';
import { createLoaders } from './loaders.js';
import { rules } from './permissions.js';
import { resolvers } from './resolvers/index.js';

/** The tiers subgraph: the tier ladder and each member's place on it. */
const tiers = defineSubgraph<TiersContext, TiersEnv>({
  name: 'tiers',
  schema: new URL('./schema.graphql', import.meta.url),
  migrations: new URL('../migrations', import.meta.url),
  env: loadTiersEnv,
  resolvers,
  rules,
  // The ladder is public and a member's tier is guarded by the rules, so the repository needs no viewer scope.
  context: ({ db, now }) => {
    const repository = new TiersRepository(db);
    return { tiers: repository, now, loaders: createLoaders(repository) };
  },
  outbox,
  consumer: { inbox, handlers: tiersHandlers },
});

export const { name, typeDefs } = tiers;
export const createTiers = tiers.create;
