import { keyedLoader } from '@membership/subgraph';
import type { SanctionRow, SanctionsRepository } from './db/sanctions-repository.js';

const NONE: SanctionRow[] = [];

/** Per-request loaders: the sanctions of every member in one request are one query. */
export function createLoaders(sanctions: SanctionsRepository, now: Date) {
  return {
    unliftedSanctionsOfMember: keyedLoader<SanctionRow[]>((ids) => sanctions.unliftedOfMembers(ids, now), NONE),
  };
}

export type ModerationLoaders = ReturnType<typeof createLoaders>;
