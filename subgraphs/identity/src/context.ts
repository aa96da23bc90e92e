import type { BaseSubgraphContext } from '@membership/subgraph';
import type { AccountsDeps } from './domain/accounts.js';
import type { IdentityLoaders } from './loaders.js';

export interface IdentityContext extends BaseSubgraphContext {
  accounts: AccountsDeps;
  loaders: IdentityLoaders;
}
