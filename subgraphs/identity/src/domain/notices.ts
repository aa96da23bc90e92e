import { createHash } from 'node:crypto';
import type { EventInput, SanctionKind, TierCode } from '@membership/events';

/** What a notice is about. */
export type NoticeKind =
  | 'tier_changed'
  | 'sanction_applied'
  | 'sanction_lifted'
  | 'points_expiring'
  | 'benefit_change'
  | 'policy_changed'
  | 'verification_expiring'
  /** A reviewer decided the member's advanced verification. */
  | 'verification_decided'
  /** Notices other subgraphs request by template (MemberNoticeRequested), by the subgraph that asked. */
  | 'orders'
  | 'points'
  | 'tiers'
  | 'moderation';

/** A notice's words, before it is addressed. */
export interface NoticeText {
  kind: NoticeKind;
  title: string;
  body: string;
}

const day = (iso: string) => iso.slice(0, 10);
/** A tier code as a name: GOLD → Gold. */
const label = (code: TierCode) => code.charAt(0) + code.slice(1).toLowerCase();

/** The notice a member gets when their tier changes; none for the tier they start in. */
export function tierChangedNotice(p: EventInput['TierChanged']): NoticeText | null {
  if (p.from === null) return null;
  return { kind: 'tier_changed', title: `Your tier is now ${label(p.to)}`, body: `You moved from ${label(p.from)} to ${label(p.to)}.` };
}

/**
 * What each sanction kind says when it is applied and when it is lifted. A Record over
 * the contract's kinds, so a kind added to the contract does not compile until it has
 * its words here.
 */
const SANCTION_WORDS: Record<SanctionKind, { applied: string; lifted: string; liftedBody: string }> = {
  WARNING: {
    applied: 'You received a warning',
    lifted: 'Your warning was withdrawn',
    liftedBody: 'It no longer counts against your standing.',
  },
  RESTRICTED_BENEFITS: {
    applied: 'Your benefits were restricted',
    lifted: 'Your benefits are restored',
    liftedBody: 'Your tier benefits apply to you again.',
  },
  DOWNGRADE: {
    applied: 'Your tier was lowered',
    lifted: 'Your tier downgrade was lifted',
    liftedBody: 'Your tier is decided by your qualifying spend again.',
  },
  BAN: { applied: 'Your account was banned', lifted: 'Your account is no longer banned', liftedBody: 'Your account is open to you again.' },
};

export function sanctionAppliedNotice(p: EventInput['SanctionApplied']): NoticeText {
  return {
    kind: 'sanction_applied',
    title: SANCTION_WORDS[p.kind].applied,
    body: 'See your standing for the reason and how long it lasts.',
  };
}

export function sanctionLiftedNotice(p: EventInput['SanctionLifted']): NoticeText {
  const words = SANCTION_WORDS[p.kind];
  return { kind: 'sanction_lifted', title: words.lifted, body: words.liftedBody };
}

export function pointsExpiringNotice(p: EventInput['PointsExpiring']): NoticeText {
  return {
    kind: 'points_expiring',
    title: `${p.points} point${p.points === 1 ? ' expires' : 's expire'} on ${day(p.expiresAt)}`,
    body: 'Use them before then; after that they are gone.',
  };
}

export function benefitChangeNotice(p: EventInput['BenefitChangeAnnounced']): NoticeText {
  return {
    kind: 'benefit_change',
    title: `A change to your ${label(p.tier)} benefits`,
    body: `${p.benefit} changes from ${day(p.effectiveAt)}.`,
  };
}

/** The notice every member gets when a new policy version is published. */
export function policyChangedNotice(p: { kind: string; version: string; publishedAt?: Date; effectiveAt?: Date | null }): NoticeText {
  const name = p.kind === 'privacy' ? 'privacy policy' : 'terms';
  const later = p.effectiveAt && p.publishedAt && p.effectiveAt.getTime() > p.publishedAt.getTime();
  return {
    kind: 'policy_changed',
    title: `New ${name}: version ${p.version}`,
    body: later
      ? `The new ${name} takes effect on ${day(p.effectiveAt!.toISOString())}; until then the current one applies. Read it with policyVersion and accept it to keep giving consents after that date; withdrawing them needs nothing.`
      : `Read and accept the new ${name} to keep giving consents; withdrawing them needs nothing.`,
  };
}

/**
 * The reminder a member gets once for each verification about to lapse. The body is a
 * template: the reminder job fills `{level}` (primary or advanced) and `{date}` (the
 * expiry day, UTC) for every verification at once, in SQL.
 */
export const VERIFICATION_EXPIRING_NOTICE: NoticeText = {
  kind: 'verification_expiring',
  title: 'Your real-name verification expires soon',
  body: 'Your {level} verification expires on {date}. Renew it before then to keep your verification level.',
};

/** The template filled in for one verification, as the reminder job's SQL fills it. */
export function verificationExpiringNotice(level: string, expiresAt: Date): NoticeText {
  return {
    ...VERIFICATION_EXPIRING_NOTICE,
    body: VERIFICATION_EXPIRING_NOTICE.body.replace('{level}', level).replace('{date}', day(expiresAt.toISOString())),
  };
}

/** The notice a member gets when a reviewer decides their advanced verification; a rejection says why. */
export function verificationDecidedNotice(d: { status: 'approved' | 'rejected'; reason: string | null; expiresAt: Date | null }): NoticeText {
  if (d.status === 'approved') {
    return {
      kind: 'verification_decided',
      title: 'Your advanced verification is approved',
      body: `Your advanced real-name verification was approved${d.expiresAt ? ` and is valid until ${day(d.expiresAt.toISOString())}` : ''}.`,
    };
  }
  return {
    kind: 'verification_decided',
    title: 'Your advanced verification was not approved',
    body: `Your advanced real-name verification was not approved: ${(d.reason ?? 'no reason was given').replace(/[.。]\s*$/, '')}. You may submit it again.`,
  };
}

/**
 * The inbox key of a verification's decision notice: derived from the verification's id
 * (which keys its expiry reminder), so deciding twice can never add a second notice.
 */
export function decisionNoticeId(verificationId: string): string {
  const hex = createHash('sha256').update(`verification-decided:${verificationId}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
