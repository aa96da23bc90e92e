import { keyedLoader } from '@membership/subgraph';
import type { TiersRepository } from './db/tiers-repository.js';
import type { MemberTier } from './domain/tiers.js';

/** Per-request loaders: the tiers of every member in one request are one query. */
export function createLoaders(tiers: TiersRepository) {
  return {
    tierOfMember: keyedLoader<MemberTier | null>((ids) => tiers.ofMembers(ids), null),
  };
}

export type TiersLoaders = ReturnType<typeof createLoaders>;
