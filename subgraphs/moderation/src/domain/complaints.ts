import { badInput, conflict } from '@membership/domain';
import type { TierCode } from '@membership/events';
import { addBusinessMinutes, type BusinessCalendar } from './business-hours.js';

export const COMPLAINT_CHANNELS = ['APP', 'PHONE', 'EMAIL', 'IN_PERSON'] as const;
export type ComplaintChannel = (typeof COMPLAINT_CHANNELS)[number];

export const COMPLAINT_CATEGORIES = [
  'ORDER',
  'DELIVERY',
  'REFUND',
  'POINTS',
  'TIER',
  'BENEFIT_CHANGE_OBJECTION',
  'ACCOUNT',
  'STAFF_CONDUCT',
  'OTHER',
] as const;
export type ComplaintCategory = (typeof COMPLAINT_CATEGORIES)[number];

/** Lowest first. */
export const COMPLAINT_PRIORITIES = ['LOW', 'NORMAL', 'HIGH', 'URGENT'] as const;
export type ComplaintPriority = (typeof COMPLAINT_PRIORITIES)[number];

export const COMPLAINT_STATUSES = ['OPEN', 'ANSWERED', 'RESOLVED', 'REOPENED', 'CLOSED'] as const;
export type ComplaintStatus = (typeof COMPLAINT_STATUSES)[number];

/** The configured service levels: hours per priority, counted on the calendar. */
export interface ComplaintPolicy {
  calendar: BusinessCalendar;
  firstResponseHours: Record<ComplaintPriority, number>;
  resolutionHours: Record<ComplaintPriority, number>;
  /** The least priority each tier's benefits promise. */
  tierPriority: Partial<Record<TierCode, ComplaintPriority>>;
  /** A rating at or below this is dissatisfied: the complaint reopens, escalated. */
  dissatisfiedAtOrBelow: number;
}

const rank = (p: ComplaintPriority) => COMPLAINT_PRIORITIES.indexOf(p);
const higher = (a: ComplaintPriority, b: ComplaintPriority) => (rank(a) >= rank(b) ? a : b);

/** The priority a complaint gets: the one asked for, raised to what the member's tier promises. */
export function complaintPriority(asked: ComplaintPriority, tier: TierCode | null, policy: ComplaintPolicy): ComplaintPriority {
  const promised = tier ? policy.tierPriority[tier] : undefined;
  return promised ? higher(asked, promised) : asked;
}

/** One step more urgent (URGENT stays URGENT): what a dissatisfied rating does. */
function escalated(priority: ComplaintPriority): ComplaintPriority {
  return COMPLAINT_PRIORITIES[Math.min(rank(priority) + 1, COMPLAINT_PRIORITIES.length - 1)]!;
}

export interface ComplaintDeadlines {
  firstResponseDueAt: Date;
  resolutionDueAt: Date;
}

/**
 * When a complaint opened (or reopened) at `from` must be first answered and resolved,
 * counted in business hours. An objection to a benefit change must be resolved before
 * the change takes effect: its resolution deadline is the change's effective date when
 * that comes first.
 */
export function complaintDeadlines(
  from: Date,
  priority: ComplaintPriority,
  policy: ComplaintPolicy,
  changeEffectiveAt?: Date | null,
): ComplaintDeadlines {
  const firstResponseDueAt = addBusinessMinutes(from, policy.firstResponseHours[priority] * 60, policy.calendar);
  let resolutionDueAt = addBusinessMinutes(from, policy.resolutionHours[priority] * 60, policy.calendar);
  if (changeEffectiveAt && changeEffectiveAt.getTime() > from.getTime() && changeEffectiveAt.getTime() < resolutionDueAt.getTime()) {
    resolutionDueAt = changeEffectiveAt;
  }
  return { firstResponseDueAt, resolutionDueAt };
}

/** What the breach rule needs to know about a complaint. */
export interface ComplaintClock {
  status: ComplaintStatus;
  firstResponseDueAt: Date;
  firstRespondedAt: Date | null;
  resolutionDueAt: Date;
}

const isDone = (status: ComplaintStatus) => status === 'RESOLVED' || status === 'CLOSED';

/** The deadline a complaint is working towards now: its first answer, then its resolution; null when resolved. */
export function nextDeadline(c: ComplaintClock): Date | null {
  if (isDone(c.status)) return null;
  return c.firstRespondedAt ? c.resolutionDueAt : c.firstResponseDueAt;
}

/** Which deadlines a complaint has missed at `now` (an open one past its deadline, or one answered or resolved late counts). */
export function breaches(c: ComplaintClock & { resolvedAt: Date | null }, now: Date): { firstResponse: boolean; resolution: boolean } {
  const firstResponse = (c.firstRespondedAt ?? now).getTime() > c.firstResponseDueAt.getTime();
  const resolution = (isDone(c.status) && c.resolvedAt ? c.resolvedAt : now).getTime() > c.resolutionDueAt.getTime();
  return { firstResponse, resolution };
}

/** What a member's rating does: a dissatisfied one reopens the complaint, one priority higher. */
export function afterRating(
  c: { status: ComplaintStatus; priority: ComplaintPriority; rating: number | null },
  rating: number,
  policy: ComplaintPolicy,
): { status: ComplaintStatus; priority: ComplaintPriority; reopened: boolean } {
  if (!Number.isInteger(rating) || rating < 1 || rating > 5)
    throw badInput('Rate from 1 (very dissatisfied) to 5 (very satisfied).', 'rating');
  if (c.status !== 'RESOLVED') throw conflict('You can rate a complaint once it is resolved.');
  if (rating <= policy.dissatisfiedAtOrBelow) return { status: 'REOPENED', priority: escalated(c.priority), reopened: true };
  return { status: 'CLOSED', priority: c.priority, reopened: false };
}

/** A cause staff name when resolving: a short code such as `late_delivery`, so repeats can be counted. */
export function rootCause(raw: string | null | undefined): string | null {
  if (raw === null || raw === undefined || raw.trim() === '') return null;
  const cause = raw.trim().toLowerCase();
  if (!/^[a-z][a-z0-9_]{1,49}$/.test(cause))
    throw badInput('rootCause is a short code such as late_delivery (letters, digits, _).', 'rootCause');
  return cause;
}

/** Causes that came back: each category and cause resolved more than once in the period, most frequent first. */
export function repeatCauses(
  resolved: readonly { category: ComplaintCategory; rootCause: string | null }[],
): { category: ComplaintCategory; cause: string; count: number }[] {
  const counts = new Map<string, { category: ComplaintCategory; cause: string; count: number }>();
  for (const r of resolved) {
    if (!r.rootCause) continue;
    const key = `${r.category}|${r.rootCause}`;
    const entry = counts.get(key) ?? { category: r.category, cause: r.rootCause, count: 0 };
    entry.count++;
    counts.set(key, entry);
  }
  return [...counts.values()].filter((e) => e.count > 1).sort((a, b) => b.count - a.count || a.cause.localeCompare(b.cause));
}
