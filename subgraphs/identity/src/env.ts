import { parseEnv, secretEnv, z } from '@membership/config';
import { subgraphEnv } from '@membership/subgraph';
import { REFUSAL_RESTRICTIONS } from './domain/refusals.js';

/** The subgraphs that contribute to a member's data export, at their default ports. */
const DEFAULT_EXPORT_SUBGRAPH_URLS: Record<string, string> = {
  tiers: 'http://127.0.0.1:4102/',
  points: 'http://127.0.0.1:4103/',
  orders: 'http://127.0.0.1:4104/',
  moderation: 'http://127.0.0.1:4105/',
};

/** Identity in production: delivery of codes and notices, policy notice periods, the member card, retention. */
/** An optional URL where an empty value (docker-compose's `${X:-}`) means unset. */
const optionalUrl = z.preprocess((v) => (v === '' ? undefined : v), z.string().url().optional());

const productionShape = {
  /**
   * How codes and notices reach people: `dev` writes them to the log and
   * identity.notifications_outbox (the default outside production, refused in production);
   * `deliver` sends them through SMTP_URL and SMS_HTTP_URL via the delivery outbox.
   */
  NOTIFIER: z.enum(['dev', 'deliver']).optional(),
  /** Email over SMTP: smtp://user:pass@host:587 (STARTTLS) or smtps://…:465. */
  SMTP_URL: optionalUrl,
  /** The sender of every email. */
  MAIL_FROM: z.string().default('Membership <no-reply@membership.example>'),
  /** The SMS provider's HTTP endpoint (see docs/OPERATIONS.md for the request shape). */
  SMS_HTTP_URL: optionalUrl,
  /** Sent as `Authorization: Bearer …` to SMS_HTTP_URL. */
  SMS_HTTP_KEY: z.preprocess((v) => (v === '' ? undefined : v), z.string().optional()),
  /** Attempts to deliver one message before it is given up as failed. */
  NOTIFY_MAX_ATTEMPTS: z.coerce.number().int().min(1).default(5),
  /** Seconds before the second attempt; each further one waits twice as long. */
  NOTIFY_RETRY_SECONDS: z.coerce.number().int().min(1).default(30),
  /** Seconds a member card's QR token stays valid; the app fetches a fresh one when it shows the card. */
  CARD_QR_TTL_SECONDS: z.coerce.number().int().min(10).max(3600).default(60),
  /** Retention (docs/DATA-RETENTION.md): days the PII access log keeps an entry. */
  RETENTION_PII_ACCESS_LOG_DAYS: z.coerce.number().int().min(1).default(1095),
  /** Days the staff operation log keeps an entry. */
  RETENTION_STAFF_OPERATION_LOG_DAYS: z.coerce.number().int().min(1).default(1825),
  /** Days an expired or used code, or an expired refresh token, is kept after it stopped working. */
  RETENTION_EXPIRED_CREDENTIALS_DAYS: z.coerce.number().int().min(0).default(7),
  /** Days a finished message delivery (and a development notifier message) is kept. */
  RETENTION_NOTIFICATIONS_DAYS: z.coerce.number().int().min(0).default(30),
  /** Days a consumed event stays in the event log and identity's outbox and inbox. */
  RETENTION_EVENT_LOG_DAYS: z.coerce.number().int().min(1).default(90),
  /** Days a new policy version is announced before it replaces the one in force. */
  POLICY_NOTICE_DAYS: z.coerce.number().int().min(0).default(30),
};

/** Identity's own settings, beside the ones every subgraph reads (the gateway's public key among them). */
const identityShape = {
  /** Identity issues the access tokens the gateway verifies. */
  JWT_SECRET: secretEnv.JWT_SECRET,
  /** Signs identity's own calls to the other subgraphs (export collection). */
  IDENTITY_SIGNING_KEY: secretEnv.IDENTITY_SIGNING_KEY,
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).default(900),
  /** A refresh token not exchanged within this many days stops working. */
  REFRESH_TOKEN_TTL_DAYS: z.coerce.number().int().min(1).default(30),
  LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).default(5),
  LOGIN_LOCK_MINUTES: z.coerce.number().int().min(1).default(15),
  /** Each further lock in a row lasts this many times longer than the one before. */
  LOGIN_LOCK_GROWTH_FACTOR: z.coerce.number().min(1).default(2),
  /** No lock lasts longer than this. */
  LOGIN_LOCK_MAX_MINUTES: z.coerce.number().int().min(1).default(1440),
  /**
   * Registration needs a one-time code sent to the email or phone. Always on in
   * production; off by default in development and test so seeds and old clients work.
   */
  REGISTRATION_CODE_REQUIRED: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  REGISTRATION_CODE_TTL_MINUTES: z.coerce.number().int().min(1).default(10),
  /** Wrong codes allowed against one code before it stops working. */
  REGISTRATION_CODE_MAX_ATTEMPTS: z.coerce.number().int().min(1).default(5),
  /** How long before another code may be sent to the same contact. */
  REGISTRATION_CODE_RESEND_SECONDS: z.coerce.number().int().min(0).default(60),
  /** Registration and password reset codes sent to one email or phone per hour, account or not. */
  CODES_PER_CONTACT_PER_HOUR: z.coerce.number().int().min(1).default(5),
  /** Codes asked for from one client address (as the gateway signed it) per hour. */
  CODES_PER_ADDRESS_PER_HOUR: z.coerce.number().int().min(1).default(20),
  /** Codes sent by the whole platform per minute: a brake on a flood from many addresses. */
  CODES_PER_MINUTE: z.coerce.number().int().min(1).default(300),
  /** Redis for the code limits, shared by every identity process; unset: counted in each process. */
  REDIS_URL: z.string().url().optional(),
  /** Prefix of identity's keys in Redis. */
  REDIS_KEY_PREFIX: z.string().default('membership:identity:'),
  /** Staff must choose a new password after this many days. */
  STAFF_PASSWORD_MAX_AGE_DAYS: z.coerce.number().int().min(1).default(90),
  /** Staff access tokens live this long (staff have no refresh tokens yet). */
  STAFF_ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).default(3600),
  /** An approved real-name verification lapses after this many months. */
  VERIFICATION_VALID_MONTHS: z.coerce.number().int().min(1).default(12),
  /** A verification may be renewed this many days before it lapses. */
  VERIFICATION_RENEW_DAYS_BEFORE: z.coerce.number().int().min(0).default(30),
  /** Refused primary verification checks allowed per member in 24 hours. */
  VERIFICATION_PRIMARY_ATTEMPTS_PER_DAY: z.coerce.number().int().min(1).default(5),
  /**
   * What identity withholds from a member who declined verification or whose submission a
   * reviewer found false, until a verification of theirs is approved: a comma-separated list
   * of card (the membership card), partner_sharing (giving partners their data), enterprise
   * (submitting a business licence); empty for none. Other subgraphs restrict their own
   * features on MemberVerificationChanged.refused.
   */
  VERIFICATION_REFUSAL_RESTRICTS: z
    .string()
    .default('card,partner_sharing,enterprise')
    .transform((v) =>
      v
        .split(',')
        .map((w) => w.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.enum(REFUSAL_RESTRICTIONS))),
  /**
   * Which identity checker to use when none is passed in code: the development fake, or
   * none (primary verification answers that it is unavailable). Defaults to none in production.
   */
  IDENTITY_CHECKER: z.enum(['development', 'unavailable']).optional(),
  /** Days between a member's erasure request and the erasure; the member may cancel in between. */
  ERASURE_GRACE_DAYS: z.coerce.number().int().min(0).default(15),
  /** Hours a finished data export may be downloaded. */
  EXPORT_TTL_HOURS: z.coerce.number().int().min(1).default(72),
  /**
   * Where the export job asks each other subgraph for its part, as JSON
   * {"tiers":"http://…",…}. Defaults to each subgraph's default port on 127.0.0.1.
   */
  EXPORT_SUBGRAPH_URLS: z
    .string()
    .default(JSON.stringify(DEFAULT_EXPORT_SUBGRAPH_URLS))
    .transform((v, ctx) => {
      try {
        return z.record(z.string(), z.string().url()).parse(JSON.parse(v));
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be a JSON object of subgraph name to URL' });
        return z.NEVER;
      }
    }),
  /** Base64 of 32 random bytes: wraps every member's data key. Development default in @membership/config. */
  DATA_MASTER_KEY: z
    .string()
    .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 bytes in base64 (openssl rand -base64 32)')
    .optional(),
  /** Secret for the keyed hashes that stand in for contact values in lookups. */
  LOOKUP_HASH_SECRET: z.string().min(32).optional(),
  /**
   * Purposes staff may state to read identity's personal fields, comma separated: identity
   * applies the gateway's category rule to its own fields too, so keep it the gateway's list.
   */
  PII_PURPOSES: z.string().default('support,refund-review,verification-review,fraud,legal'),
};

// Identity accepts the gateway's calls only, so it reads the gateway's public key and not its own.
const parseIdentityEnv = subgraphEnv(4101, { ...identityShape, ...productionShape }, { trusts: ['gateway'] });

/**
 * Identity's environment. Its secrets are optional in the shape only so development and
 * tests can start without them: parseEnv fills their published development values there
 * and refuses to start in production without them.
 */
export type IdentityEnv = ReturnType<typeof parseIdentityEnv> & {
  JWT_SECRET: string;
  IDENTITY_SIGNING_KEY: string;
  DATA_MASTER_KEY: string;
  LOOKUP_HASH_SECRET: string;
};

/** Identity's environment, parsed once: the shared settings, on port 4101 by default, and identity's own. */
export const loadIdentityEnv = (source?: Record<string, string | undefined>) => parseIdentityEnv(source) as IdentityEnv;

/** What `npm run admin:create` reads besides identity's environment; flags override these. */
export const loadAdminCommandEnv = (source: Record<string, string | undefined> = process.env) =>
  parseEnv(
    {
      ADMIN_EMAIL: z.string().optional(),
      ADMIN_NAME: z.string().optional(),
      /** Optional: a generated one is printed when absent. It must be changed at first sign-in either way. */
      ADMIN_PASSWORD: z.string().optional(),
    },
    source,
  );
