import { createTransport } from 'nodemailer';
import { DeliveryError, type DeliveryChannel, type OutgoingMessage } from '../domain/delivery.js';

/** The parts of nodemailer's errors that say what happened without quoting the recipient. */
interface SmtpFailure {
  responseCode?: number;
  code?: string;
}

/**
 * Email over SMTP (nodemailer), to the server in SMTP_URL (`smtp://user:pass@host:587`,
 * `smtps://…` for implicit TLS). A 5xx answer (no such mailbox, refused) is permanent;
 * anything else (4xx, connection trouble) is retried.
 */
export class SmtpChannel implements DeliveryChannel {
  private readonly transport;

  constructor(
    url: string,
    private readonly from: string,
  ) {
    this.transport = createTransport(url);
  }

  async send(message: OutgoingMessage): Promise<{ providerMessageId: string | null }> {
    try {
      const info = await this.transport.sendMail({
        from: this.from,
        to: message.to,
        subject: message.subject,
        text: message.body,
        headers: { 'X-Membership-Delivery': message.id },
      });
      return { providerMessageId: info.messageId ?? null };
    } catch (error) {
      const failure = error as SmtpFailure;
      // The server's own text may quote the address: only its code goes on.
      if (failure.responseCode) throw new DeliveryError(`SMTP answered ${failure.responseCode}`, failure.responseCode >= 500);
      throw new DeliveryError(`SMTP server unreachable (${failure.code ?? 'error'})`, false);
    }
  }

  close(): void {
    this.transport.close();
  }
}
