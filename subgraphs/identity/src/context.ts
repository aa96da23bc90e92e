import type { BaseSubgraphContext } from '@membership/subgraph';
import type { AccountsDeps } from './domain/accounts.js';
import type { PiiAccessDeps } from './domain/pii-access-log.js';
import type { IdentityLoaders } from './loaders.js';

export interface IdentityContext extends BaseSubgraphContext {
  accounts: AccountsDeps;
  piiAccess: PiiAccessDeps;
  loaders: IdentityLoaders;
}
