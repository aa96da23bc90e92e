import { keyedLoader } from '@membership/subgraph';
import type { MemberRow, MembersRepository } from './db/members-repository.js';

/** Per-request loaders: every member lookup in one request is one query. */
export function createLoaders(members: MembersRepository) {
  return {
    memberById: keyedLoader<MemberRow | null>((ids) => members.byIds(ids), null),
  };
}

export type IdentityLoaders = ReturnType<typeof createLoaders>;
