import { fileURLToPath } from 'node:url';
import { JobRunsRepository } from '@membership/jobs';
import { loadTypeDefs, type SubgraphModule, type SubgraphModuleOptions } from '@membership/subgraph';
import { viewerSigner } from '@membership/viewer';
import { MembersRepository } from './db/members-repository.js';
import { PiiAccessLogRepository } from './db/pii-access-log-repository.js';
import { NotificationsRepository } from './db/notifications-repository.js';
import { PasswordResetCodesRepository } from './db/password-reset-codes-repository.js';
import { RegistrationCodesRepository } from './db/registration-codes-repository.js';
import { SessionsRepository } from './db/sessions-repository.js';
import { StaffOperationLogRepository } from './db/staff-operation-log.js';
import { StaffRepository } from './db/staff-repository.js';
import type { StaffDeps } from './domain/staff.js';
import { VerificationsRepository } from './db/verifications-repository.js';
import { DevelopmentIdentityChecker, UnavailableIdentityChecker, type IdentityChecker } from './domain/identity-check.js';
import type { VerificationDeps } from './domain/verification.js';
import type { VerificationReminderDeps } from './domain/verification-reminders.js';
import { ErasureRepository } from './db/erasure-repository.js';
import type { ErasureDeps } from './domain/erasure.js';
import { ConsentsRepository } from './db/consents-repository.js';
import type { ConsentDeps } from './domain/consents.js';
import { consentsExport } from './domain/consent-rules.js';
import { profileChangesExport } from './domain/profile-rules.js';
import { DataExportsRepository } from './db/data-exports-repository.js';
import type { DataExportDeps } from './domain/data-export.js';
import { createExportClient, type FetchExportPart } from './export-client.js';
import { DevelopmentNotifier } from './development-notifier.js';
import type { Notifier } from './domain/notifier.js';
import { outbox } from './db/schema.js';
import { createIdentityConsumer } from './consumer.js';
import { InboxRepository } from './db/inbox-repository.js';
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
  /** Where the export job finds the other subgraphs; overrides EXPORT_SUBGRAPH_URLS. */
  subgraphUrls?: Record<string, string>;
  /** How the export job asks a subgraph for its part; defaults to a signed HTTP call. */
  fetchExportPart?: FetchExportPart;
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
    passwordReset: { codes: new PasswordResetCodesRepository(options.database.db) },
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

/** What the verification reminder job needs: members' inboxes and the renewal window. */
export function remindersFor(options: IdentityOptions): VerificationReminderDeps {
  const env = loadIdentityEnv(options.env);
  return { inbox: new InboxRepository(options.database.db), policy: { renewDaysBefore: env.VERIFICATION_RENEW_DAYS_BEFORE } };
}

/** Identity's erasure services: requests, cancellation and the job that carries them out. */
export function erasureFor(options: IdentityOptions): ErasureDeps {
  const env = loadIdentityEnv(options.env);
  const members = new MembersRepository(options.database.db, createKeyRing(env));
  return {
    erasures: new ErasureRepository(options.database.db, members),
    members,
    policy: { graceDays: env.ERASURE_GRACE_DAYS },
    now: options.now ?? (() => new Date()),
    logger: options.logger,
  };
}

/** Identity's data export services: requests, downloads and the job that assembles them. */
export function exportsFor(options: IdentityOptions): DataExportDeps {
  const env = loadIdentityEnv(options.env);
  const ring = createKeyRing(env);
  return {
    exports: new DataExportsRepository(options.database.db, ring),
    members: new MembersRepository(options.database.db, ring),
    verifications: new VerificationsRepository(options.database.db, ring),
    piiAccessLog: new PiiAccessLogRepository(options.database.db),
    policy: { ttlHours: env.EXPORT_TTL_HOURS },
    subgraphUrls: options.subgraphUrls ?? env.EXPORT_SUBGRAPH_URLS,
    fetchPart: options.fetchExportPart ?? createExportClient(viewerSigner('identity', env.IDENTITY_SIGNING_KEY)),
    identityExtras: async (memberId) => {
      const consents = new ConsentsRepository(options.database.db);
      const members = new MembersRepository(options.database.db, ring);
      const [acceptances, history, changes] = await Promise.all([
        consents.acceptancesFor([memberId]),
        consents.historyFor([memberId], 10_000),
        members.profileChangesFor([memberId], 10_000),
      ]);
      return {
        ...consentsExport(acceptances.get(memberId) ?? [], history.get(memberId) ?? []),
        profileChanges: profileChangesExport(changes.get(memberId) ?? []),
      };
    },
    now: options.now ?? (() => new Date()),
    logger: options.logger,
  };
}

/** Identity's policy and consent services. */
export function consentsFor(options: IdentityOptions): ConsentDeps {
  return { consents: new ConsentsRepository(options.database.db), now: options.now ?? (() => new Date()) };
}

/** The identity subgraph: accounts, sign-in, the member's profile and the PII access log. */
export function createIdentity(options: IdentityOptions): SubgraphModule {
  const env = loadIdentityEnv(options.env);
  const accounts = accountsFor(options);
  const staff = staffFor(options);
  const verification = verificationFor(options);
  const erasure = erasureFor(options);
  const consents = consentsFor(options);
  const dataExport = exportsFor(options);
  const piiAccess: PiiAccessDeps = {
    log: new PiiAccessLogRepository(options.database.db),
    now: options.now ?? (() => new Date()),
  };
  return {
    name,
    migrationsFolder,
    producer: outbox,
    consumer: createIdentityConsumer(options.database, { logger: options.logger, now: options.now }),
    port: env.PORT,
    host: env.HOST,
    trustedKeys: { gateway: env.GATEWAY_PUBLIC_KEY },
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
        erasure,
        dataExport,
        consents,
        inbox: new InboxRepository(options.database.db),
        jobRuns: new JobRunsRepository(options.database.db),
        loaders: createLoaders({
          inbox: new InboxRepository(options.database.db),
          consents: consents.consents,
          dataExports: dataExport.exports,
          erasures: erasure.erasures,
          members: accounts.members,
          piiAccessLog: piiAccess.log,
          verifications: verification.verifications,
          now: verification.now,
        }),
      }),
    },
  };
}
