import { fileURLToPath } from 'node:url';
import { loadTypeDefs, type SubgraphModule, type SubgraphModuleOptions } from '@membership/subgraph';
import { MembersRepository } from './db/members-repository.js';
import { PiiAccessLogRepository } from './db/pii-access-log-repository.js';
import { outbox } from './db/schema.js';
import type { AccountsDeps } from './domain/accounts.js';
import type { PiiAccessDeps } from './domain/pii-access-log.js';
import { loadIdentityEnv } from './env.js';
import { createLoaders } from './loaders.js';
import { rules } from './permissions.js';
import { resolvers } from './resolvers/index.js';

export const name = 'identity';
export const typeDefs = loadTypeDefs(new URL('./schema.graphql', import.meta.url));
export const migrationsFolder = fileURLToPath(new URL('../migrations', import.meta.url));

/** Identity's account services, outside any request (seeding uses them too). */
export function accountsFor(options: SubgraphModuleOptions): AccountsDeps {
  const env = loadIdentityEnv(options.env);
  return {
    members: new MembersRepository(options.database.db),
    now: options.now ?? (() => new Date()),
    jwtSecret: env.JWT_SECRET,
    accessTokenTtlSeconds: env.ACCESS_TOKEN_TTL_SECONDS,
    lockout: { maxFailures: env.LOGIN_MAX_FAILURES, lockMinutes: env.LOGIN_LOCK_MINUTES },
  };
}

/** The identity subgraph: accounts, sign-in, the member's profile and the PII access log. */
export function createIdentity(options: SubgraphModuleOptions): SubgraphModule {
  const env = loadIdentityEnv(options.env);
  const accounts = accountsFor(options);
  const piiAccess: PiiAccessDeps = {
    log: new PiiAccessLogRepository(options.database.db),
    now: options.now ?? (() => new Date()),
  };
  return {
    name,
    migrationsFolder,
    producer: outbox,
    port: env.PORT,
    host: env.HOST,
    signingSecret: env.INTERNAL_SIGNING_SECRET,
    definition: {
      name,
      typeDefs,
      resolvers: resolvers as never,
      rules,
      createContext: (base) => ({
        ...base,
        accounts,
        piiAccess,
        loaders: createLoaders({ members: accounts.members, piiAccessLog: piiAccess.log }),
      }),
    },
  };
}
