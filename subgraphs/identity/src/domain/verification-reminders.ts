import { VERIFICATION_EXPIRING_NOTICE } from './notices.js';
import type { InboxStore } from './stores.js';
import { reminderWindowEnd, type VerificationPolicy } from './verification-rules.js';

export interface VerificationReminderDeps {
  inbox: Pick<InboxStore, 'addVerificationExpiring'>;
  policy: Pick<VerificationPolicy, 'renewDaysBefore'>;
}

/**
 * Reminds members whose approved verification lapses within the renewal window
 * (VERIFICATION_RENEW_DAYS_BEFORE days): one VERIFICATION_EXPIRING notice in the inbox
 * per verification, ever. Set-based and idempotent: one statement for all members, and
 * running it again (or concurrently) adds nothing twice. Returns how many notices it added.
 */
export function remindExpiringVerifications(deps: VerificationReminderDeps, now: Date): Promise<number> {
  return deps.inbox.addVerificationExpiring(VERIFICATION_EXPIRING_NOTICE, now, reminderWindowEnd(now, deps.policy));
}
