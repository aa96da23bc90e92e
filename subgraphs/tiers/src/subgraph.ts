import { defineSubgraph } from '@membership/subgraph';
import type { TiersContext } from './context.js';
import { tiersHandlers } from './consumer.js';
import { inbox, outbox } from './db/schema.js';
import { BenefitsRepository } from './db/benefits-repository.js';
import { RulesRepository } from './db/rules-repository.js';
import { TiersRepository } from './db/tiers-repository.js';
import { benefitChangesJob, reevaluationJob } from './jobs.js';
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
  // The ladder and benefits are public, a member's tier is guarded by the rules, and changes
  // need tiers:manage, so the repositories need no viewer scope.
  context: ({ db, now, env }) => {
    const repository = new TiersRepository(db);
    const benefits = new BenefitsRepository(db);
    return {
      tiers: repository,
      benefits,
      rules: new RulesRepository(db),
      now,
      settings: env,
      loaders: createLoaders(repository, benefits, now),
    };
  },
  outbox,
  consumer: { inbox, handlers: tiersHandlers },
  jobs: ({ db, env }) => [reevaluationJob(db, env), benefitChangesJob(db)],
});

export const { name, typeDefs, migrationsFolder } = tiers;
export const createTiers = tiers.create;
