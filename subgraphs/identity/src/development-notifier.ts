import type { Logger } from '@membership/config';
import type { NotificationsRepository } from './db/notifications-repository.js';
import { recipientHint, type Notification, type Notifier } from './domain/notifier.js';

/**
 * Delivers nothing: writes each message to the log (recipient masked) and to
 * `identity.notifications_outbox`, where developers and tests read codes.
 */
export class DevelopmentNotifier implements Notifier {
  constructor(
    private readonly outbox: NotificationsRepository,
    private readonly logger: Logger,
    private readonly now: () => Date,
  ) {}

  async send(notification: Notification): Promise<void> {
    const hint = recipientHint(notification.channel, notification.to);
    await this.outbox.add({
      channel: notification.channel,
      recipientLookup: notification.recipientLookup,
      recipientHint: hint,
      template: notification.template,
      body: notification.body,
      createdAt: this.now(),
    });
    this.logger.info('notification (development notifier, not delivered)', {
      channel: notification.channel,
      to: hint,
      template: notification.template,
      body: notification.body,
    });
  }
}
