import { createHash } from 'node:crypto';
import { TIER_CODES, type EventInput, type TierCode } from '@membership/events';
import { LANGUAGES, MessageError, translate, type Language, type MessageParams } from '../messages/index.js';

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

/**
 * A notice before it is addressed: which catalogue message it is and what fills it. The
 * words are looked up when the member reads it, in the member's language at that moment
 * (src/messages), so a change of language applies to old notices too.
 */
export interface NoticeText {
  kind: NoticeKind;
  /** The message id: the catalogue has `<template>.title` and `<template>.body`. */
  template: string;
  params: Record<string, string | number | boolean | null>;
  /**
   * The membership terms say it must also reach the member outside the app: it is emailed
   * too when the member has an email and takes service emails.
   */
  outOfApp: boolean;
}

/** A notice's words in one language. */
export interface RenderedNotice {
  title: string;
  body: string;
}

/**
 * The words of a stored notice in `language`. Notices stored before the catalogues (no
 * template) keep the words they were stored with.
 */
export function renderNotice(
  notice: { template: string | null; params: unknown; title: string | null; body: string | null },
  language: Language,
): RenderedNotice {
  if (!notice.template) return { title: notice.title ?? '', body: notice.body ?? '' };
  const params = (notice.params ?? {}) as MessageParams;
  return { title: translate(language, `${notice.template}.title`, params), body: translate(language, `${notice.template}.body`, params) };
}

/**
 * renderNotice for the inbox: a notice whose message has since left the catalogues (a
 * removed template) still shows, by its stored words or its template id, rather than failing
 * the member's whole inbox.
 */
export function readNotice(
  notice: { template: string | null; params: unknown; title: string | null; body: string | null },
  language: Language,
): RenderedNotice {
  try {
    return renderNotice(notice, language);
  } catch (error) {
    if (!(error instanceof MessageError)) throw error;
    return { title: notice.title ?? notice.template ?? '', body: notice.body ?? '' };
  }
}

/** Checks that a notice can be read in every language before it is stored (throws MessageError). */
export function checkNotice(notice: NoticeText): NoticeText {
  for (const language of LANGUAGES) renderNotice({ ...notice, title: null, body: null }, language);
  return notice;
}

const day = (iso: string) => iso.slice(0, 10);
const RANK: Record<TierCode, number> = Object.fromEntries(TIER_CODES.map((c, i) => [c, i])) as Record<TierCode, number>;

/**
 * The notice a member gets when their tier changes; none for the tier they start in. A
 * downgrade is one the terms say must reach the member outside the app.
 */
export function tierChangedNotice(p: EventInput['TierChanged']): NoticeText | null {
  if (p.from === null) return null;
  return {
    kind: 'tier_changed',
    template: 'identity.tier_changed',
    params: { from: p.from, to: p.to },
    outOfApp: RANK[p.to] < RANK[p.from],
  };
}

/** A sanction being applied must reach the member outside the app too. */
export function sanctionAppliedNotice(p: EventInput['SanctionApplied']): NoticeText {
  return { kind: 'sanction_applied', template: `identity.sanction_applied.${p.kind}`, params: {}, outOfApp: true };
}

export function sanctionLiftedNotice(p: EventInput['SanctionLifted']): NoticeText {
  return { kind: 'sanction_lifted', template: `identity.sanction_lifted.${p.kind}`, params: {}, outOfApp: false };
}

export function pointsExpiringNotice(p: EventInput['PointsExpiring']): NoticeText {
  return {
    kind: 'points_expiring',
    template: `identity.points_expiring.${p.points === 1 ? 'one' : 'other'}`,
    params: { points: p.points, date: day(p.expiresAt) },
    outOfApp: false,
  };
}

/** A change to the member's benefits must reach them outside the app too. */
export function benefitChangeNotice(p: EventInput['BenefitChangeAnnounced']): NoticeText {
  return {
    kind: 'benefit_change',
    template: 'identity.benefit_change',
    params: { tier: p.tier, benefit: p.benefit, date: day(p.effectiveAt) },
    outOfApp: true,
  };
}

/** The notice every member gets when a new policy version is published; it must reach them outside the app too. */
export function policyChangedNotice(p: { kind: string; version: string; publishedAt?: Date; effectiveAt?: Date | null }): NoticeText {
  const later = p.effectiveAt && p.publishedAt && p.effectiveAt.getTime() > p.publishedAt.getTime();
  return later
    ? {
        kind: 'policy_changed',
        template: 'identity.policy_changed_later',
        params: { kind: p.kind, version: p.version, date: day(p.effectiveAt!.toISOString()) },
        outOfApp: true,
      }
    : { kind: 'policy_changed', template: 'identity.policy_changed', params: { kind: p.kind, version: p.version }, outOfApp: true };
}

/**
 * The reminder a member gets once for each verification about to lapse. The reminder job
 * fills `level` (primary or advanced) and `date` (the expiry day, UTC) for every
 * verification at once, in SQL.
 */
export const VERIFICATION_EXPIRING_NOTICE = { kind: 'verification_expiring', template: 'identity.verification_expiring' } as const;

/** The reminder for one verification, as the reminder job's SQL fills it. */
export function verificationExpiringNotice(level: string, expiresAt: Date): NoticeText {
  return { ...VERIFICATION_EXPIRING_NOTICE, params: { level, date: day(expiresAt.toISOString()) }, outOfApp: false };
}

/** The notice a member gets when a reviewer decides their advanced verification; a rejection says why. */
export function verificationDecidedNotice(d: {
  status: 'approved' | 'rejected';
  reason: string | null;
  expiresAt: Date | null;
}): NoticeText {
  if (d.status === 'approved') {
    return d.expiresAt
      ? {
          kind: 'verification_decided',
          template: 'identity.verification_approved_until',
          params: { date: day(d.expiresAt.toISOString()) },
          outOfApp: false,
        }
      : { kind: 'verification_decided', template: 'identity.verification_approved', params: {}, outOfApp: false };
  }
  // The reviewer's reason is shown as written (in the words they chose), without its final stop.
  const reason = (d.reason ?? '').replace(/[.。]\s*$/, '') || '-';
  return { kind: 'verification_decided', template: 'identity.verification_rejected', params: { reason }, outOfApp: false };
}

/**
 * The inbox key of a verification's decision notice: derived from the verification's id
 * (which keys its expiry reminder), so deciding twice can never add a second notice.
 */
export function decisionNoticeId(verificationId: string): string {
  const hex = createHash('sha256').update(`verification-decided:${verificationId}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * The email copy of a must-tell notice, in the member's language: the notice's title as the
 * subject, its body, then why it came by email and how to stop service emails.
 */
export function noticeEmail(
  to: string,
  notice: { template: string | null; params: unknown; title: string | null; body: string | null },
  language: Language,
): { to: string; subject: string; body: string } {
  const words = renderNotice(notice, language);
  return { to, subject: words.title, body: `${words.body}\n\n${translate(language, 'message.notice.footer')}` };
}
