import { badInput } from '@membership/domain';

/** The calendar day (YYYY-MM-DD) it is at `at` in `timeZone`; BAD_USER_INPUT for a zone that does not exist. */
export function localDay(at: Date, timeZone: string): string {
  try {
    // en-CA formats as YYYY-MM-DD.
    return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
  } catch {
    throw badInput(`"${timeZone}" is not a time zone; use an IANA name such as Asia/Shanghai.`, 'timeZone');
  }
}

/** The day before `day` (YYYY-MM-DD). */
export function dayBefore(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}

/** The last check-in the streak continues from. */
export interface LastCheckIn {
  day: string;
  streak: number;
}

/**
 * A check-in on `today`: the streak goes on when the last check-in was yesterday and starts
 * again at 1 after a missed day. The bonus grows by `bonusPerDay` for each consecutive day
 * after the first, up to `maxBonusDays` days. Checking in twice on a day is refused.
 */
export function checkIn(today: string, last: LastCheckIn | null, rule: { basePoints: number; bonusPerDay: number; maxBonusDays: number }) {
  if (last && last.day >= today) throw badInput(`Already checked in on ${today}; come back tomorrow.`, 'day');
  const streak = last && last.day === dayBefore(today) ? last.streak + 1 : 1;
  const bonus = Math.min(streak - 1, rule.maxBonusDays) * rule.bonusPerDay;
  return { day: today, streak, basePoints: rule.basePoints, bonus, points: rule.basePoints + bonus };
}
