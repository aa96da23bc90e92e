import type { BaseSubgraphContext } from '@membership/subgraph';
import type { SanctionsRepository } from './db/sanctions-repository.js';
import type { ModerationLoaders } from './loaders.js';

export interface ModerationContext extends BaseSubgraphContext {
  loaders: ModerationLoaders;
  sanctions: SanctionsRepository;
  /** The request's clock reading: one instant for every standing in the response. */
  now: Date;
}
