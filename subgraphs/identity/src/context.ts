import type { JobRunsRepository } from '@membership/jobs';
import type { BaseSubgraphContext } from '@membership/subgraph';
import type { IdentityStores } from './domain/stores.js';
import type { IdentityLoaders } from './loaders.js';
import type { IdentityServices } from './services.js';

export interface IdentityContext extends BaseSubgraphContext, IdentityServices {
  /** Identity's repositories as this request may see them (the viewer's scope). */
  stores: IdentityStores;
  /** The scheduled jobs' run record (the shared `jobs` schema, read for ops tools). */
  jobRuns: JobRunsRepository;
  loaders: IdentityLoaders;
  now: () => Date;
}
