/** A message to a person, about to be delivered. */
export interface Notification {
  channel: 'email' | 'sms';
  /** The address or E.164 number, in plaintext: only the delivering provider sees it. */
  to: string;
  /** Keyed hash of `to`, for finding the message without storing the address. */
  recipientLookup: string;
  /** What kind of message this is, e.g. registration-code. */
  template: 'registration-code' | 'password-reset-code' | 'staff-temporary-password' | 'account-exists' | 'contact-verification-code';
  /** The email's subject in the recipient's language; without it, the template's English one. */
  subject?: string;
  body: string;
}

/**
 * Delivers messages to people. Production plugs in an SMS and email provider; the
 * development notifier writes to the log and to `identity.notifications_outbox`.
 */
export interface Notifier {
  send(notification: Notification): Promise<void>;
}

/** `ana@example.com` → `a***@example.com`; `+8613812345678` → `138****5678`. */
export function recipientHint(channel: Notification['channel'], to: string): string {
  if (channel === 'email') {
    const at = to.lastIndexOf('@');
    return at < 1 ? '***' : `${to[0]}***${to.slice(at)}`;
  }
  const national = to.startsWith('+86') ? to.slice(3) : to.replace(/\D/g, '');
  return national.length <= 7 ? '*'.repeat(national.length) : `${national.slice(0, 3)}****${national.slice(-4)}`;
}
