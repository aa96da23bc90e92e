import { randomUUID } from 'node:crypto';
import type { Logger } from '@membership/config';
import { deliverDue, messageExpiry, sealPayload, type DeliveryDeps } from '../domain/delivery.js';
import { recipientHint, type Notification, type Notifier } from '../domain/notifier.js';

/**
 * The production notifier: each message goes into the delivery outbox sealed, and one
 * attempt to send it starts at once, outside the caller's request; what that attempt
 * does not deliver, the delivery job retries (identity.notifications).
 */
export class OutboxNotifier implements Notifier {
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(
    private readonly deps: DeliveryDeps,
    private readonly now: () => Date,
    private readonly logger: Logger,
    private readonly codeTtlMinutes: number,
  ) {}

  async send(notification: Notification): Promise<void> {
    const id = randomUUID();
    const now = this.now();
    await this.deps.deliveries.enqueue({
      id,
      channel: notification.channel,
      template: notification.template,
      recipientLookup: notification.recipientLookup,
      recipientHint: recipientHint(notification.channel, notification.to),
      payloadCiphertext: sealPayload(this.deps.ring, id, { to: notification.to, subject: notification.subject, body: notification.body }),
      status: 'pending',
      attempts: 0,
      nextAttemptAt: now,
      expiresAt: messageExpiry(notification.template, now, this.codeTtlMinutes),
      createdAt: now,
      noticeId: null,
    });
    const attempt = deliverDue(this.deps, this.now(), { id })
      .catch((error: unknown) =>
        this.logger.warn('first delivery attempt failed; the delivery job retries it', { deliveryId: id, error: String(error) }),
      )
      .finally(() => this.inFlight.delete(attempt));
    this.inFlight.add(attempt);
  }

  /** Waits for the attempts started so far (shutdown, tests). */
  async settle(): Promise<void> {
    await Promise.all([...this.inFlight]);
  }
}
