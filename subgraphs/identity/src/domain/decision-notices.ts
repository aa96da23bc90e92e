import { verificationDecidedNotice, type NoticeText } from './notices.js';
import type { RejectionKind } from './refusals.js';

const day = (d: Date) => d.toISOString().slice(0, 10);
const reasonOf = (reason: string | null) => (reason ?? 'no reason was given').replace(/[.。]\s*$/, '');

/**
 * The member's notice of a reviewer's decision: the advanced verification's as before; an
 * enterprise verification's, and a rejection found false (which restricts the member) say so.
 */
export function decisionNotice(
  level: string,
  d: { status: 'approved' | 'rejected'; reason: string | null; expiresAt: Date | null; rejectionKind?: RejectionKind | null },
): NoticeText {
  const falseSubmission = d.status === 'rejected' && d.rejectionKind === 'false_submission';
  if (level !== 'enterprise' && !falseSubmission) return verificationDecidedNotice(d);
  const what = level === 'enterprise' ? 'enterprise verification (business licence)' : 'advanced verification';
  if (d.status === 'approved') {
    return {
      kind: 'verification_decided',
      title: 'Your enterprise verification is approved',
      body: `Your ${what} was approved${d.expiresAt ? ` and is valid until ${day(d.expiresAt)}` : ''}. Enterprise features are open to your account.`,
    };
  }
  if (falseSubmission) {
    return {
      kind: 'verification_decided',
      title: `Your ${level === 'enterprise' ? 'enterprise' : 'advanced'} verification was found false`,
      body: `A reviewer found your ${what} false: ${reasonOf(d.reason)}. Some features are restricted until a verification of yours is approved. If this is a mistake, contact support.`,
    };
  }
  return {
    kind: 'verification_decided',
    title: 'Your enterprise verification was not approved',
    body: `Your ${what} was not approved: ${reasonOf(d.reason)}. You may submit it again.`,
  };
}
