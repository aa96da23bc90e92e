/** How deep a member's real-name verification goes. */
export type VerificationLevel = 'none' | 'primary' | 'advanced';

/** How verifications last and how often they may be tried. */
export interface VerificationPolicy {
  /** An approved verification lapses after this many months. */
  validMonths: number;
  /** A live verification may be renewed (and the member is due a reminder) this many days before it lapses. */
  renewDaysBefore: number;
  /** Refused primary checks allowed per member in 24 hours (each costs a call to the national record). */
  primaryAttemptsPerDay: number;
}

/** The same day of the month `months` later (or that month's last day), same time of day, UTC. */
export function addMonths(date: Date, months: number): Date {
  const d = new Date(date.getTime());
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + months);
  const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, last));
  return d;
}

/** What the level is computed from: a member's verifications that were approved. */
export interface ApprovedVerification {
  level: string;
  status: string;
  expiresAt: Date | null;
}

const live = (v: ApprovedVerification, now: Date) =>
  v.status === 'approved' && v.expiresAt !== null && v.expiresAt.getTime() > now.getTime();

/** The newest-expiring live verification of a level, if any. */
function best(rows: readonly ApprovedVerification[], level: string, now: Date): ApprovedVerification | undefined {
  return rows.filter((v) => v.level === level && live(v, now)).sort((a, b) => b.expiresAt!.getTime() - a.expiresAt!.getTime())[0];
}

/**
 * The member's level now: advanced needs a live primary and a live advanced verification;
 * it lapses with the first of them to expire.
 */
export function effectiveLevel(rows: readonly ApprovedVerification[], now: Date): { level: VerificationLevel; expiresAt: Date | null } {
  const primary = best(rows, 'primary', now);
  if (!primary) return { level: 'none', expiresAt: null };
  const advanced = best(rows, 'advanced', now);
  if (!advanced) return { level: 'primary', expiresAt: primary.expiresAt };
  return { level: 'advanced', expiresAt: new Date(Math.min(primary.expiresAt!.getTime(), advanced.expiresAt!.getTime())) };
}

/** True when a live verification is close enough to lapsing that it may be renewed. */
export function renewable(expiresAt: Date, now: Date, policy: VerificationPolicy): boolean {
  return expiresAt.getTime() - now.getTime() <= policy.renewDaysBefore * 86_400_000;
}

/**
 * The end of the reminder window: verifications lapsing after `now` and at or before this
 * moment are due a reminder (the same window in which they may be renewed).
 */
export function reminderWindowEnd(now: Date, policy: Pick<VerificationPolicy, 'renewDaysBefore'>): Date {
  return new Date(now.getTime() + policy.renewDaysBefore * 86_400_000);
}

/** The status a member or reviewer sees: an approved verification past its expiry shows as expired. */
export function displayStatus(v: ApprovedVerification, now: Date): 'PENDING' | 'APPROVED' | 'REJECTED' | 'SUPERSEDED' | 'EXPIRED' {
  if (v.status === 'approved') return live(v, now) ? 'APPROVED' : 'EXPIRED';
  return v.status.toUpperCase() as 'PENDING' | 'REJECTED' | 'SUPERSEDED';
}

/** A reference to a stored image (e.g. s3://bucket/key or upload:123), never the image itself. */
export function validImageReference(raw: string): boolean {
  return /^[A-Za-z][A-Za-z0-9+.-]{0,31}:\S{1,480}$/.test(raw.trim());
}
