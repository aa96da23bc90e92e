import { fileURLToPath } from 'node:url';
import { loadTypeDefs, type SubgraphModule, type SubgraphModuleOptions } from '@membership/subgraph';
import { MembersRepository } from './db/members-repository.js';
import { PiiAccessLogRepository } from './db/pii-access-log-repository.js';
import { NotificationsRepository } from './db/notifications-repository.js';
import { RegistrationCodesRepository } from './db/registration-codes-repository.js';
import { SessionsRepository } from './db/sessions-repository.js';
import { StaffOperationLogRepository } from './db/staff-operation-log.js';
import { StaffRepository } from './db/staff-repository.js';
import type { StaffDeps } from './domain/staff.js';
import { VerificationsRepository } from './db/verifications-repository.js';
import { DevelopmentIdentityChecker, UnavailableIdentityChecker, type IdentityChecker } from './domain/identity-check.js';
import type { VerificationDeps } from './domain/verification.js';
import { DevelopmentNotifier } from './development-notifier.js';
import type { Notifier } from './domain/notifier.js';
import { outbox } from './db/schema.js';
import type { AccountsDeps } from './domain/accounts.js';
import { createKeyRing } from './domain/encryption.js';
import type { PiiAccessDeps } from './domain/pii-access-log.js';
import { loadIdentityEnv } from './env.js';
import { createLoaders } from './loaders.js';
import { rules } from './permissions.js';
import { resolvers } from './resolvers/index.js';

export const name = 'identity';
export const typeDefs = loadTypeDefs(new URL('./schema.graphql', import.meta.url));
export const migrationsFolder = fileURLToPath(new URL('../migrations', import.meta.url));

/** What identity can be given beyond every subgraph's options. */
export interface IdentityOptions extends SubgraphModuleOptions {
  /** Delivers codes and notices; defaults to the development notifier (log + notifications_outbox). */
  notifier?: Notifier;
  /** Checks real name and ID number against the national record; see IDENTITY_CHECKER for the default. */
  identityChecker?: IdentityChecker;
}

/** Identity's account services, outside any request (seeding uses them too). */
export function accountsFor(options: IdentityOptions): AccountsDeps & { staff: StaffRepository } {
  const env = loadIdentityEnv(options.env);
  const ring = createKeyRing(env);
  const now = options.now ?? (() => new Date());
  return {
    members: new MembersRepository(options.database.db, ring),
    staff: new StaffRepository(options.database.db),
    sessions: new SessionsRepository(options.database.db),
    registration: {
      codes: new RegistrationCodesRepository(options.database.db),
      notifier: options.notifier ?? new DevelopmentNotifier(new NotificationsRepository(options.database.db), options.logger, now),
      policy: {
        // Registration without a code is for development, tests and seeds only.
        required: env.REGISTRATION_CODE_REQUIRED || env.NODE_ENV === 'production',
        ttlMinutes: env.REGISTRATION_CODE_TTL_MINUTES,
        maxAttempts: env.REGISTRATION_CODE_MAX_ATTEMPTS,
        resendSeconds: env.REGISTRATION_CODE_RESEND_SECONDS,
      },
    },
    ring,
    now,
    jwtSecret: env.JWT_SECRET,
    accessTokenTtlSeconds: env.ACCESS_TOKEN_TTL_SECONDS,
    refresh: { ttlDays: env.REFRESH_TOKEN_TTL_DAYS },
    lockout: {
      maxFailures: env.LOGIN_MAX_FAILURES,
      lockMinutes: env.LOGIN_LOCK_MINUTES,
      growthFactor: env.LOGIN_LOCK_GROWTH_FACTOR,
      maxLockMinutes: env.LOGIN_LOCK_MAX_MINUTES,
    },
  };
}

/** Identity's staff services: sign-in, accounts, roles and the operation log. */
export function staffFor(options: IdentityOptions): StaffDeps {
  const env = loadIdentityEnv(options.env);
  return {
    staff: new StaffRepository(options.database.db),
    operations: new StaffOperationLogRepository(options.database.db),
    now: options.now ?? (() => new Date()),
    jwtSecret: env.JWT_SECRET,
    accessTokenTtlSeconds: env.STAFF_ACCESS_TOKEN_TTL_SECONDS,
    passwordMaxAgeDays: env.STAFF_PASSWORD_MAX_AGE_DAYS,
    lockout: {
      maxFailures: env.LOGIN_MAX_FAILURES,
      lockMinutes: env.LOGIN_LOCK_MINUTES,
      growthFactor: env.LOGIN_LOCK_GROWTH_FACTOR,
      maxLockMinutes: env.LOGIN_LOCK_MAX_MINUTES,
    },
  };
}

/** Identity's real-name verification services. */
export function verificationFor(options: IdentityOptions): VerificationDeps {
  const env = loadIdentityEnv(options.env);
  const ring = createKeyRing(env);
  const checker = env.IDENTITY_CHECKER ?? (env.NODE_ENV === 'production' ? 'unavailable' : 'development');
  return {
    verifications: new VerificationsRepository(options.database.db, ring),
    checker: options.identityChecker ?? (checker === 'development' ? new DevelopmentIdentityChecker() : new UnavailableIdentityChecker()),
    ring,
    now: options.now ?? (() => new Date()),
    policy: {
      validMonths: env.VERIFICATION_VALID_MONTHS,
      renewDaysBefore: env.VERIFICATION_RENEW_DAYS_BEFORE,
      primaryAttemptsPerDay: env.VERIFICATION_PRIMARY_ATTEMPTS_PER_DAY,
    },
  };
}

/** The identity subgraph: accounts, sign-in, the member's profile and the PII access log. */
export function createIdentity(options: IdentityOptions): SubgraphModule {
  const env = loadIdentityEnv(options.env);
  const accounts = accountsFor(options);
  const staff = staffFor(options);
  const verification = verificationFor(options);
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
        staff,
        verification,
        piiAccess,
        loaders: createLoaders({
          members: accounts.members,
          piiAccessLog: piiAccess.log,
          verifications: verification.verifications,
          now: verification.now,
        }),
      }),
    },
  };
}
