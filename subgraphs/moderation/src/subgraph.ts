import { defineSubgraph } from '@membership/subgraph';
import type { ModerationContext } from './context.js';
import { moderationHandlers } from './consumer.js';
import { SanctionsRepository } from './db/sanctions-repository.js';
import { inbox, outbox } from './db/schema.js';
import { loadModerationEnv, type ModerationEnv } from './env.js';
import { createLoaders } from './loaders.js';
import { rules } from './permissions.js';
import { resolvers } from './resolvers/index.js';

/** The moderation subgraph: sanctions and the standing they give a member. */
const moderation = defineSubgraph<ModerationContext, ModerationEnv>({
  name: 'moderation',
  schema: new URL('./schema.graphql', import.meta.url),
  migrations: new URL('../migrations', import.meta.url),
  env: loadModerationEnv,
  resolvers,
  rules,
  // Reads are by member id, and the rules let only that member or staff with moderation:read ask.
  context: ({ db, now }) => {
    const sanctions = new SanctionsRepository(db);
    // One clock reading per request: every standing in the response is judged at the same instant.
    const at = now();
    return { sanctions, now: at, loaders: createLoaders(sanctions, at) };
  },
  outbox,
  consumer: { inbox, handlers: moderationHandlers },
});

export const { name, typeDefs } = moderation;
export const createModeration = moderation.create;
