import { badInput } from '@membership/domain';

/** What a report may be about (the membership terms' conduct rules). */
export const REPORT_CATEGORIES = [
  'ILLEGAL_ACT',
  'INSULT',
  'DEFAMATION',
  'PORNOGRAPHY',
  'VIOLENCE',
  'HARASSMENT',
  'FRAUD_AGAINST_MEMBERS',
  'FAKE_TRANSACTIONS',
  'IP_INFRINGEMENT',
  'FALSE_REGISTRATION_DATA',
  'ACCOUNT_TRADING',
] as const;
export type ReportCategory = (typeof REPORT_CATEGORIES)[number];

export const REPORT_STATUSES = ['OPEN', 'ACTIONED', 'DISMISSED'] as const;
export type ReportStatus = (typeof REPORT_STATUSES)[number];

/**
 * How urgent each category is on its own (higher first in the queue). Illegal acts and
 * fraud hurt people or money now; insults can wait behind them.
 */
const CATEGORY_WEIGHT: Record<ReportCategory, number> = {
  ILLEGAL_ACT: 100,
  FRAUD_AGAINST_MEMBERS: 90,
  VIOLENCE: 80,
  PORNOGRAPHY: 70,
  HARASSMENT: 70,
  FAKE_TRANSACTIONS: 60,
  ACCOUNT_TRADING: 50,
  DEFAMATION: 40,
  IP_INFRINGEMENT: 40,
  FALSE_REGISTRATION_DATA: 30,
  INSULT: 20,
};

/** Each further distinct reporter raises a report this much, up to {@link MAX_CROWD_BONUS}. */
const PER_REPORTER = 5;
const MAX_CROWD_BONUS = 50;
/** A report filed by staff is taken as already checked once. */
const STAFF_BONUS = 10;

/**
 * A report's place in the queue: its category's weight, raised by the number of distinct
 * people who reported the same thing (capped, so a crowd cannot outrank an illegal act by
 * numbers alone) and by a staff reporter.
 */
export function reportPriority(category: ReportCategory, distinctReporters: number, byStaff: boolean): number {
  const crowd = Math.min(MAX_CROWD_BONUS, Math.max(0, distinctReporters - 1) * PER_REPORTER);
  return CATEGORY_WEIGHT[category] + crowd + (byStaff ? STAFF_BONUS : 0);
}

/** An open report a new one might fold into. */
export interface OpenReport {
  id: string;
  lastReportedAt: Date;
  /** Who has reported it so far (`member:<id>` or `staff:<id>`). */
  reporters: readonly string[];
}

/**
 * Whether a new report of the same subject and category folds into an open one: always
 * when the same person reports again, otherwise when the open one was last reported
 * within the window. Returns the report to fold into, or null for a new report.
 */
export function foldInto(open: readonly OpenReport[], reporter: string, now: Date, windowMs: number): OpenReport | null {
  const own = open.find((r) => r.reporters.includes(reporter));
  if (own) return own;
  const recent = open
    .filter((r) => now.getTime() - r.lastReportedAt.getTime() <= windowMs)
    .sort((a, b) => b.lastReportedAt.getTime() - a.lastReportedAt.getTime());
  return recent[0] ?? null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A uuid as ids are; anything else is refused with the field named. */
export function requireId(raw: string, field: string): string {
  if (!UUID.test(raw)) throw badInput(`"${raw}" is not a valid id.`, field);
  return raw.toLowerCase();
}

/** Free text a person wrote: trimmed, not empty, not longer than `max`. */
export function requireText(raw: string, field: string, max: number): string {
  const text = raw.trim();
  if (text.length === 0) throw badInput(`Write something in ${field}.`, field);
  if (text.length > max) throw badInput(`${field} is ${text.length} characters long; at most ${max} are allowed.`, field);
  return text;
}

/** A content reference such as `review:8f1c…`: what was reported, beside whom. */
export function contentRef(raw: string | null | undefined): string {
  if (raw === null || raw === undefined) return '';
  const ref = raw.trim();
  if (!/^[a-z_]+:[A-Za-z0-9_-]{1,100}$/.test(ref))
    throw badInput('contentRef names the content as kind:id, e.g. review:8f1c2d.', 'contentRef');
  return ref;
}
