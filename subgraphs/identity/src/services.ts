import type { Logger } from '@membership/config';
import type { Db } from '@membership/db';
import type { ModuleInit, SubgraphModuleOptions } from '@membership/subgraph';
import { NO_PARTNER_CONSENT, viewerSigner, type AccessPolicy } from '@membership/viewer';
import { identityStores } from './db/stores.js';
import type { AccountsDeps } from './domain/accounts.js';
import type { ConsentDeps } from './domain/consents.js';
import type { DataExportDeps, FetchExportPart } from './domain/data-export.js';
import { createKeyRing, type KeyRing } from './domain/encryption.js';
import type { ErasureDeps } from './domain/erasure.js';
import { DevelopmentIdentityChecker, UnavailableIdentityChecker, type IdentityChecker } from './domain/identity-check.js';
import type { Notifier } from './domain/notifier.js';
import type { PartnerDeps } from './domain/partners.js';
import type { PiiAccessDeps } from './domain/pii-access-log.js';
import { ALL_MEMBERS } from './domain/scope.js';
import type { SessionCheckDeps } from './domain/session-check.js';
import type { StaffDeps } from './domain/staff.js';
import type { IdentityStores } from './domain/stores.js';
import type { VerificationReminderDeps } from './domain/verification-reminders.js';
import type { VerificationDeps } from './domain/verification.js';
import { loadIdentityEnv, type IdentityEnv } from './env.js';
import { createExportClient } from './export-client.js';
import type { RateCounter } from './domain/rate-limits.js';
import { MemoryRateCounter, RedisRateCounter } from './rate-counter.js';
import { createNotifier, notifierMode } from './notifications/setup.js';

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

/** What identity runs with, decided once at start: environment, keys, clock and the services it calls out to. */
export interface IdentitySettings {
  env: IdentityEnv;
  db: Db;
  ring: KeyRing;
  now: () => Date;
  logger: Logger;
  notifier: Notifier;
  checker: IdentityChecker;
  subgraphUrls: Record<string, string>;
  fetchPart: FetchExportPart;
  /** The category rule's settings for identity's own @pii fields: the purposes staff may state. */
  piiPolicy: AccessPolicy;
  /** Counts codes sent, for their limits: Redis when REDIS_URL is set, else this process. */
  rateCounter: RateCounter;
}

/** Built once per module instance (defineSubgraph's `setup`), and by `systemServices` for work outside a request. */
export function identitySettings({ env, db, now, logger, options }: ModuleInit<IdentityEnv, IdentityOptions>): IdentitySettings {
  const checker = env.IDENTITY_CHECKER ?? (env.NODE_ENV === 'production' ? 'unavailable' : 'development');
  return {
    env,
    db,
    ring: createKeyRing(env),
    now,
    logger,
    // The development notifier's outbox is nobody's member data: one for the whole process.
    notifier: options.notifier ?? createNotifier(env, db, logger, now),
    checker: options.identityChecker ?? (checker === 'development' ? new DevelopmentIdentityChecker() : new UnavailableIdentityChecker()),
    subgraphUrls: options.subgraphUrls ?? env.EXPORT_SUBGRAPH_URLS,
    fetchPart: options.fetchExportPart ?? createExportClient(viewerSigner('identity', env.IDENTITY_SIGNING_KEY)),
    rateCounter: env.REDIS_URL ? new RedisRateCounter(env.REDIS_URL, env.REDIS_KEY_PREFIX, logger) : new MemoryRateCounter(),
    piiPolicy: {
      purposes: env.PII_PURPOSES.split(',')
        .map((p) => p.trim())
        .filter(Boolean),
      partnerConsent: NO_PARTNER_CONSENT,
    },
  };
}

/** What each of identity's domain areas is called with. */
export interface IdentityServices {
  accounts: AccountsDeps;
  staff: StaffDeps;
  verification: VerificationDeps;
  reminders: VerificationReminderDeps;
  erasure: ErasureDeps;
  dataExport: DataExportDeps;
  consents: ConsentDeps;
  piiAccess: PiiAccessDeps;
  partners: PartnerDeps;
  sessionCheck: SessionCheckDeps;
}

/**
 * Identity's rules wired to one set of stores: per request the viewer's (context), for
 * seeding, commands and jobs everyone's (`systemServices`). Only settings and stores go in.
 */
export function identityServices(settings: IdentitySettings, stores: IdentityStores): IdentityServices {
  const { env, ring, now, logger } = settings;
  const lockout = {
    maxFailures: env.LOGIN_MAX_FAILURES,
    lockMinutes: env.LOGIN_LOCK_MINUTES,
    growthFactor: env.LOGIN_LOCK_GROWTH_FACTOR,
    maxLockMinutes: env.LOGIN_LOCK_MAX_MINUTES,
  };
  const { transaction } = stores;
  return {
    accounts: {
      members: stores.members,
      sessions: stores.sessions,
      bans: stores.bans,
      registration: {
        codes: stores.registrationCodes,
        notifier: settings.notifier,
        policy: {
          // Registration without a code is for development, tests and seeds only.
          required: env.REGISTRATION_CODE_REQUIRED || env.NODE_ENV === 'production',
          ttlMinutes: env.REGISTRATION_CODE_TTL_MINUTES,
          maxAttempts: env.REGISTRATION_CODE_MAX_ATTEMPTS,
          resendSeconds: env.REGISTRATION_CODE_RESEND_SECONDS,
        },
        counter: settings.rateCounter,
        limits: {
          perContact: { limit: env.CODES_PER_CONTACT_PER_HOUR, windowSeconds: 3600 },
          perAddress: { limit: env.CODES_PER_ADDRESS_PER_HOUR, windowSeconds: 3600 },
          global: { limit: env.CODES_PER_MINUTE, windowSeconds: 60 },
        },
      },
      passwordReset: { codes: stores.passwordResetCodes },
      transaction,
      ring,
      now,
      jwtSecret: env.JWT_SECRET,
      accessTokenTtlSeconds: env.ACCESS_TOKEN_TTL_SECONDS,
      refresh: { ttlDays: env.REFRESH_TOKEN_TTL_DAYS },
      lockout,
    },
    staff: {
      staff: stores.staff,
      operations: stores.operations,
      transaction,
      now,
      jwtSecret: env.JWT_SECRET,
      accessTokenTtlSeconds: env.STAFF_ACCESS_TOKEN_TTL_SECONDS,
      passwordMaxAgeDays: env.STAFF_PASSWORD_MAX_AGE_DAYS,
      lockout,
      notifier: settings.notifier,
      ring,
    },
    sessionCheck: { sessions: stores.sessions, bans: stores.bans, staff: stores.staff, now },
    verification: {
      verifications: stores.verifications,
      operations: stores.operations,
      transaction,
      checker: settings.checker,
      ring,
      now,
      policy: {
        validMonths: env.VERIFICATION_VALID_MONTHS,
        renewDaysBefore: env.VERIFICATION_RENEW_DAYS_BEFORE,
        primaryAttemptsPerDay: env.VERIFICATION_PRIMARY_ATTEMPTS_PER_DAY,
      },
      restricts: new Set(env.VERIFICATION_REFUSAL_RESTRICTS),
    },
    reminders: { inbox: stores.inbox, policy: { renewDaysBefore: env.VERIFICATION_RENEW_DAYS_BEFORE } },
    erasure: {
      erasures: stores.erasures,
      members: stores.members,
      transaction,
      policy: { graceDays: env.ERASURE_GRACE_DAYS },
      now,
      logger,
    },
    dataExport: {
      exports: stores.exports,
      members: stores.members,
      verifications: stores.verifications,
      piiAccessLog: stores.piiAccessLog,
      consents: stores.consents,
      inbox: stores.inbox,
      erasures: stores.erasures,
      transaction,
      policy: { ttlHours: env.EXPORT_TTL_HOURS },
      subgraphUrls: settings.subgraphUrls,
      fetchPart: settings.fetchPart,
      now,
      logger,
    },
    consents: {
      consents: stores.consents,
      operations: stores.operations,
      inbox: stores.inbox,
      transaction,
      now,
      noticeDays: env.POLICY_NOTICE_DAYS,
      emailNotices: notifierMode(env) === 'deliver',
    },
    piiAccess: { log: stores.piiAccessLog, now },
    partners: { partners: stores.partners, operations: stores.operations, transaction, now },
  };
}

/** Stores over every member's records, for work outside a request (seeding, commands, jobs). */
const systemStores = (settings: IdentitySettings): IdentityStores => identityStores(settings.db, settings.ring, ALL_MEMBERS);

/** Identity's services outside any request: seeding, `npm run …` commands and jobs, over every member's records. */
export function systemServices(options: IdentityOptions): IdentityServices {
  const settings = identitySettings({
    db: options.database.db,
    database: options.database,
    env: loadIdentityEnv(options.env),
    now: options.now ?? (() => new Date()),
    logger: options.logger,
    options,
  });
  return identityServices(settings, systemStores(settings));
}
