import type { Logger } from '@membership/config';
import type { Db } from '@membership/db';
import { DeliveriesRepository } from '../db/deliveries-repository.js';
import { NoticeEmailsRepository } from '../db/notice-emails-repository.js';
import { NotificationsRepository } from '../db/notifications-repository.js';
import { DevelopmentNotifier } from '../development-notifier.js';
import type { DeliveryChannel, DeliveryDeps } from '../domain/delivery.js';
import { createKeyRing } from '../domain/encryption.js';
import type { Notification, Notifier } from '../domain/notifier.js';
import type { IdentityEnv } from '../env.js';
import { OutboxNotifier } from './outbox-notifier.js';
import { HttpSmsChannel } from './sms-http-channel.js';
import { SmtpChannel } from './smtp-channel.js';

/** `dev` unless NOTIFIER says otherwise; production refuses `dev` (it would keep codes in plaintext). */
export function notifierMode(env: Pick<IdentityEnv, 'NOTIFIER' | 'NODE_ENV'>): 'dev' | 'deliver' {
  const mode = env.NOTIFIER ?? (env.NODE_ENV === 'production' ? 'deliver' : 'dev');
  if (mode === 'dev' && env.NODE_ENV === 'production') {
    throw new Error(
      'NOTIFIER=dev is refused in production: it writes codes to the log and a table. Set NOTIFIER=deliver with SMTP_URL and/or SMS_HTTP_URL.',
    );
  }
  return mode;
}

/** The channels the environment configures; delivering with none is refused at start. */
function channels(env: IdentityEnv): Partial<Record<Notification['channel'], DeliveryChannel>> {
  const configured: Partial<Record<Notification['channel'], DeliveryChannel>> = {};
  if (env.SMTP_URL) configured.email = new SmtpChannel(env.SMTP_URL, env.MAIL_FROM);
  if (env.SMS_HTTP_URL) {
    if (!env.SMS_HTTP_KEY) throw new Error('SMS_HTTP_URL is set without SMS_HTTP_KEY.');
    configured.sms = new HttpSmsChannel(env.SMS_HTTP_URL, env.SMS_HTTP_KEY);
  }
  if (!configured.email && !configured.sms) throw new Error('NOTIFIER=deliver needs SMTP_URL or SMS_HTTP_URL (or both).');
  return configured;
}

/** What delivering through the outbox runs with: the notifier's first attempt and the delivery job. */
export function deliveryDeps(env: IdentityEnv, db: Db, logger: Logger): DeliveryDeps {
  const ring = createKeyRing(env);
  return {
    deliveries: new DeliveriesRepository(db),
    channels: channels(env),
    ring,
    notices: new NoticeEmailsRepository(db, ring),
    policy: { maxAttempts: env.NOTIFY_MAX_ATTEMPTS, retrySeconds: env.NOTIFY_RETRY_SECONDS, claimSeconds: 60 },
    logger,
  };
}

/** The notifier NOTIFIER chooses. */
export function createNotifier(env: IdentityEnv, db: Db, logger: Logger, now: () => Date): Notifier {
  if (notifierMode(env) === 'dev') return new DevelopmentNotifier(new NotificationsRepository(db), logger, now);
  return new OutboxNotifier(deliveryDeps(env, db, logger), now, logger, env.REGISTRATION_CODE_TTL_MINUTES);
}
