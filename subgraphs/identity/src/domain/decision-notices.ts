import { verificationDecidedNotice, type NoticeText } from './notices.js';
import type { RejectionKind } from './refusals.js';

const day = (d: Date) => d.toISOString().slice(0, 10);
// The reviewer's reason is shown as written, without its final stop (as verificationDecidedNotice does).
const reasonOf = (reason: string | null) => (reason ?? '').replace(/[.。]\s*$/, '') || '-';

/**
 * The member's notice of a reviewer's decision: the advanced verification's as before; an
 * enterprise verification's, and a rejection found false (which restricts the member), have
 * their own messages in the catalogues.
 */
export function decisionNotice(
  level: string,
  d: { status: 'approved' | 'rejected'; reason: string | null; expiresAt: Date | null; rejectionKind?: RejectionKind | null },
): NoticeText {
  const falseSubmission = d.status === 'rejected' && d.rejectionKind === 'false_submission';
  if (level !== 'enterprise' && !falseSubmission) return verificationDecidedNotice(d);
  const notice = (template: string, params: NoticeText['params']): NoticeText => ({
    kind: 'verification_decided',
    template,
    params,
    outOfApp: false,
  });
  if (falseSubmission) return notice('identity.verification_found_false', { level, reason: reasonOf(d.reason) });
  if (d.status === 'approved') return notice('identity.enterprise_approved_until', { date: d.expiresAt ? day(d.expiresAt) : '-' });
  return notice('identity.enterprise_rejected', { reason: reasonOf(d.reason) });
}
