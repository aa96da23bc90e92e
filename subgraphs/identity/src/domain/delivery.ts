import { createHmac } from 'node:crypto';
import { openValue, sealValue, type KeyRing } from './encryption.js';
import { recipientHint, type Notification } from './notifier.js';

/**
 * Delivery of messages to people through real channels (email over SMTP, text messages
 * through an SMS provider), by way of an outbox: a message is stored sealed, then sent
 * by whoever claims it first (the request that queued it, or the delivery job), retried
 * with backoff on temporary failures, and given a final status. Once finished its
 * content is dropped, so no code outlives its delivery in the table.
 */

/** Where a queued message stands. */
export type DeliveryStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'expired';

/** What a channel sends: the recipient, a subject (email only) and the text. */
export interface OutgoingMessage {
  /** The delivery's id: providers that deduplicate get it as the idempotency key. */
  id: string;
  to: string;
  subject: string;
  body: string;
}

/** One way of reaching people. Throws {@link DeliveryError} when the provider refuses. */
export interface DeliveryChannel {
  send(message: OutgoingMessage): Promise<{ providerMessageId?: string | null }>;
}

/** A provider's refusal: `permanent` ones (a bad address) are not retried. */
export class DeliveryError extends Error {
  override name = 'DeliveryError';
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
  }
}

/** A queued message as the delivery rules see it. */
export interface DeliveryRow {
  id: string;
  channel: Notification['channel'];
  template: string;
  recipientHint: string;
  payloadCiphertext: string | null;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: Date;
  expiresAt: Date | null;
  /**
   * The inbox notice this message is the email copy of: it has no sealed payload; the
   * recipient and words are read when it is sent (see NoticeEmailSource).
   */
  noticeId: string | null;
}

/** An inbox notice's email copy as it is sent: to whom, and its words in the member's language. */
export interface NoticeEmail {
  to: string;
  subject: string;
  body: string;
}

/**
 * Where the email copies of notices are read from when they are sent. Undefined when the
 * notice should no longer be emailed: the member was erased, removed their email or turned
 * service emails off since it was queued.
 */
export interface NoticeEmailSource {
  open(noticeId: string): Promise<NoticeEmail | undefined>;
}

/** How a finished or retried attempt is written back. */
export interface DeliveryOutcome {
  status: DeliveryStatus;
  nextAttemptAt?: Date;
  /** Why the last attempt failed, for operators; never the recipient or the text. */
  lastError?: string | null;
  providerMessageId?: string | null;
  /** Set when the message is finished (sent, failed or expired): its content is dropped. */
  finishedAt?: Date;
  /** The masked recipient, when it is known only at sending (notice emails). */
  recipientHint?: string;
}

/** Storage of the delivery outbox. */
export interface DeliveryStore {
  enqueue(row: DeliveryRow & { recipientLookup: string; createdAt: Date }): Promise<void>;
  /**
   * Marks up to `limit` due messages (pending and due, or sending with an expired claim)
   * as sending until `claimUntil`, counting an attempt; with `id`, only that message.
   * Two workers never claim the same message.
   */
  claimDue(now: Date, claimUntil: Date, limit: number, id?: string): Promise<DeliveryRow[]>;
  finish(id: string, outcome: DeliveryOutcome): Promise<void>;
}

/** How deliveries are retried. */
export interface DeliveryPolicy {
  /** Attempts before a message is given up as failed. */
  maxAttempts: number;
  /** Delay before the second attempt; it doubles for each attempt after that. */
  retrySeconds: number;
  /** How long a claimed message may take before another worker may try it. */
  claimSeconds: number;
}

/** What the channel should do with a message the rules let through, or why it is not sent. */
export function nextStep(row: Pick<DeliveryRow, 'expiresAt' | 'payloadCiphertext' | 'noticeId'>, now: Date): 'send' | 'expired' {
  if (!row.payloadCiphertext && !row.noticeId) return 'expired';
  if (row.expiresAt && row.expiresAt.getTime() <= now.getTime()) return 'expired';
  return 'send';
}

/**
 * After a failed attempt (`row.attempts` counts it): retried after retrySeconds × 2^(attempts−1),
 * unless the failure was permanent, the attempts ran out or the retry would come after the
 * message stops being useful (a code that has expired by then).
 */
export function afterFailure(
  row: Pick<DeliveryRow, 'attempts' | 'expiresAt'>,
  permanent: boolean,
  now: Date,
  policy: DeliveryPolicy,
): DeliveryOutcome['status'] | Date {
  if (permanent || row.attempts >= policy.maxAttempts) return 'failed';
  const retryAt = new Date(now.getTime() + policy.retrySeconds * 1000 * 2 ** Math.max(0, row.attempts - 1));
  if (row.expiresAt && retryAt.getTime() >= row.expiresAt.getTime()) return 'expired';
  return retryAt;
}

/** What a message expires with: codes with the code's lifetime; other messages keep trying. */
export function messageExpiry(template: string, now: Date, codeTtlMinutes: number): Date | null {
  return /-code$/.test(template) ? new Date(now.getTime() + codeTtlMinutes * 60_000) : null;
}

/** The subject line of an email, by template. */
const EMAIL_SUBJECTS: Record<string, string> = {
  'registration-code': 'Your membership registration code',
  'password-reset-code': 'Your membership password reset code',
  'staff-temporary-password': 'Your staff account',
  'account-exists': 'Someone tried to register with your address',
  'contact-verification-code': 'Your membership verification code',
};

const emailSubject = (template: string): string => EMAIL_SUBJECTS[template] ?? 'A message from your membership';

interface Payload {
  to: string;
  /** The email's subject in the recipient's language; absent in messages queued before it was kept. */
  subject?: string;
  body: string;
}

/** The key that seals queued messages: derived from the master key, never stored. */
function deliveryKey(ring: KeyRing): Buffer {
  return createHmac('sha256', ring.masterKey).update('notification-delivery-key').digest();
}

/** Seals a message's recipient and text for the outbox, bound to the delivery's id. */
export function sealPayload(ring: KeyRing, id: string, payload: Payload): string {
  return sealValue(deliveryKey(ring), id, 'notification', JSON.stringify(payload));
}

function openPayload(ring: KeyRing, id: string, sealed: string): Payload {
  return JSON.parse(openValue(deliveryKey(ring), id, 'notification', sealed)) as Payload;
}

/** What delivering needs: the outbox, the channels that are configured, and the rules. */
export interface DeliveryDeps {
  deliveries: DeliveryStore;
  channels: Partial<Record<Notification['channel'], DeliveryChannel>>;
  ring: KeyRing;
  /** Where notice emails are read from; without it they are given up. */
  notices?: NoticeEmailSource;
  policy: DeliveryPolicy;
  logger: { info(msg: string, fields?: Record<string, unknown>): void; warn(msg: string, fields?: Record<string, unknown>): void };
}

/** A queued message's recipient, subject and text: opened from its payload, or read from its notice. */
async function openMessage(deps: DeliveryDeps, row: DeliveryRow): Promise<Omit<OutgoingMessage, 'id'> | undefined> {
  if (row.noticeId) {
    if (!deps.notices) throw new DeliveryError('notice emails cannot be read here', true);
    return deps.notices.open(row.noticeId);
  }
  const payload = openPayload(deps.ring, row.id, row.payloadCiphertext!);
  return { to: payload.to, subject: payload.subject ?? emailSubject(row.template), body: payload.body };
}

/** How many messages of a run ended how. */
export interface DeliveryRun {
  sent: number;
  retrying: number;
  failed: number;
  expired: number;
}

/**
 * Sends due messages (or only message `id`): claims them, opens each, hands it to its
 * channel and writes the outcome. A message that fails is retried later or given up;
 * the log says which with the masked recipient, never the text.
 */
export async function deliverDue(deps: DeliveryDeps, now: Date, options: { id?: string; limit?: number } = {}): Promise<DeliveryRun> {
  const run: DeliveryRun = { sent: 0, retrying: 0, failed: 0, expired: 0 };
  const claimUntil = new Date(now.getTime() + deps.policy.claimSeconds * 1000);
  const rows = await deps.deliveries.claimDue(now, claimUntil, options.limit ?? 100, options.id);
  for (const row of rows) {
    const fields = { deliveryId: row.id, channel: row.channel, template: row.template, to: row.recipientHint, attempt: row.attempts };
    if (nextStep(row, now) === 'expired') {
      await deps.deliveries.finish(row.id, { status: 'expired', finishedAt: now, lastError: 'expired before it could be sent' });
      deps.logger.warn('message expired undelivered; the member may ask again', fields);
      run.expired += 1;
      continue;
    }
    const channel = deps.channels[row.channel];
    try {
      if (!channel) throw new DeliveryError(`no ${row.channel} channel is configured`, true);
      const message = await openMessage(deps, row);
      if (!message) {
        await deps.deliveries.finish(row.id, {
          status: 'expired',
          finishedAt: now,
          lastError: 'no longer to be emailed (erased, no email, or service emails off)',
        });
        deps.logger.info('notice email dropped: the member no longer takes it', fields);
        run.expired += 1;
        continue;
      }
      const sent = await channel.send({ id: row.id, ...message });
      await deps.deliveries.finish(row.id, {
        status: 'sent',
        finishedAt: now,
        lastError: null,
        providerMessageId: sent.providerMessageId ?? null,
        ...(row.noticeId ? { recipientHint: recipientHint(row.channel, message.to) } : {}),
      });
      deps.logger.info('message delivered', fields);
      run.sent += 1;
    } catch (error) {
      const permanent = error instanceof DeliveryError && error.permanent;
      const reason = error instanceof DeliveryError ? error.message : 'the provider could not be reached';
      const next = afterFailure(row, permanent, now, deps.policy);
      if (next instanceof Date) {
        await deps.deliveries.finish(row.id, { status: 'pending', nextAttemptAt: next, lastError: reason });
        deps.logger.warn('message not delivered; will retry', { ...fields, reason, retryAt: next.toISOString() });
        run.retrying += 1;
      } else {
        await deps.deliveries.finish(row.id, { status: next, finishedAt: now, lastError: reason });
        deps.logger.warn('message not delivered; given up, the member may ask again', { ...fields, reason, status: next });
        run[next === 'failed' ? 'failed' : 'expired'] += 1;
      }
    }
  }
  return run;
}
