import type { BaseSubgraphContext } from '@membership/subgraph';
import type { BenefitsRepository } from './db/benefits-repository.js';
import type { RulesRepository } from './db/rules-repository.js';
import type { TiersRepository } from './db/tiers-repository.js';
import type { TiersEnv } from './env.js';
import type { TiersLoaders } from './loaders.js';

export interface TiersContext extends BaseSubgraphContext {
  tiers: TiersRepository;
  benefits: BenefitsRepository;
  rules: RulesRepository;
  loaders: TiersLoaders;
  now: () => Date;
  settings: Pick<TiersEnv, 'TIERS_BENEFIT_NOTICE_DAYS' | 'TIERS_DOWNGRADE_GRACE_DAYS' | 'TIERS_RULE_NOTICE_DAYS'>;
}
