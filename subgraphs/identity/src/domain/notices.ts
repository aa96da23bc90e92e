import type { DomainEvent, EventCatalog } from '@membership/events';

/** What a notice is about. */
export type NoticeKind =
  | 'tier_changed'
  | 'sanction_applied'
  | 'sanction_lifted'
  | 'points_expiring'
  | 'benefit_change'
  | 'policy_changed'
  | 'verification_expiring';

/** A notice's words, before it is addressed. */
export interface NoticeText {
  kind: NoticeKind;
  title: string;
  body: string;
}

const day = (iso: string) => iso.slice(0, 10);
/** A code as words: WARNING → warning, TEMPORARY_BAN → temporary ban. */
const words = (code: string) => code.toLowerCase().replace(/_/g, ' ');
/** A tier code as a name: GOLD → Gold. */
const label = (code: string) => words(code).charAt(0).toUpperCase() + words(code).slice(1);
const article = (word: string) => (/^[aeiou]/i.test(word) ? 'An' : 'A');

/** The notice a member gets when their tier changes; none for the tier they start in. */
export function tierChangedNotice(p: EventCatalog['TierChanged']): NoticeText | null {
  if (p.from === null) return null;
  return { kind: 'tier_changed', title: `Your tier is now ${label(p.to)}`, body: `You moved from ${label(p.from)} to ${label(p.to)}.` };
}

export function sanctionAppliedNotice(p: EventCatalog['SanctionApplied']): NoticeText {
  const kind = words(p.kind);
  return {
    kind: 'sanction_applied',
    title: `${article(kind)} ${kind} was applied to your account`,
    body: 'See your standing for the reason and how long it lasts.',
  };
}

export function sanctionLiftedNotice(p: EventCatalog['SanctionLifted']): NoticeText {
  return { kind: 'sanction_lifted', title: `The ${words(p.kind)} on your account was lifted`, body: 'Your account is back to normal for it.' };
}

export function pointsExpiringNotice(p: EventCatalog['PointsExpiring']): NoticeText {
  return {
    kind: 'points_expiring',
    title: `${p.points} point${p.points === 1 ? ' expires' : 's expire'} on ${day(p.expiresAt)}`,
    body: 'Use them before then; after that they are gone.',
  };
}

export function benefitChangeNotice(p: EventCatalog['BenefitChangeAnnounced']): NoticeText {
  return { kind: 'benefit_change', title: `A change to your ${label(p.tier)} benefits`, body: `${p.benefit} changes from ${day(p.effectiveAt)}.` };
}

/** When the notice says it happened: the event's own time. */
export const noticeTime = (event: DomainEvent) => event.occurredAt;

/** The notice every member gets when a new policy version is published. */
export function policyChangedNotice(p: { kind: string; version: string }): NoticeText {
  const name = p.kind === 'privacy' ? 'privacy policy' : 'terms';
  return {
    kind: 'policy_changed',
    title: `New ${name}: version ${p.version}`,
    body: `Read and accept the new ${name} to keep giving consents; withdrawing them needs nothing.`,
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
