/**
 * When a support team works: on which weekdays, between which local times, in which time
 * zone. A 7×24 queue is the calendar of every day from 00:00 to 24:00.
 */
export interface BusinessCalendar {
  timeZone: string;
  /** Working weekdays, 0 = Sunday … 6 = Saturday. */
  days: readonly number[];
  /** Opening and closing as minutes after local midnight; close may be 1440 (24:00). */
  openMinute: number;
  closeMinute: number;
}

const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };
const formats = new Map<string, Intl.DateTimeFormat>();

function formatFor(timeZone: string): Intl.DateTimeFormat {
  let f = formats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      weekday: 'short',
    });
    formats.set(timeZone, f);
  }
  return f;
}

interface LocalParts {
  year: number;
  month: number;
  day: number;
  weekday: number;
  /** Milliseconds since local midnight. */
  msOfDay: number;
}

function localParts(at: Date, timeZone: string): LocalParts {
  const parts = Object.fromEntries(
    formatFor(timeZone)
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  const ms = at.getTime() % 1000;
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    weekday: WEEKDAYS[parts.weekday!]!,
    msOfDay: ((Number(parts.hour) * 60 + Number(parts.minute)) * 60 + Number(parts.second)) * 1000 + (ms < 0 ? ms + 1000 : ms),
  };
}

/** The zone's offset from UTC at `at`, in ms (local = UTC + offset). */
function offsetAt(at: number, timeZone: string): number {
  const p = localParts(new Date(at), timeZone);
  return Date.UTC(p.year, p.month - 1, p.day) + p.msOfDay - at;
}

/** The instant of a local date and minute of day in the zone (a minute that does not exist in a DST gap moves forward). */
function instantOf(year: number, month: number, day: number, minuteOfDay: number, timeZone: string): number {
  const wall = Date.UTC(year, month - 1, day) + minuteOfDay * 60_000;
  const first = wall - offsetAt(wall, timeZone);
  const second = wall - offsetAt(first, timeZone);
  return second;
}

/** The next local day's date (calendar arithmetic on the local date, not on instants). */
function nextDay(p: { year: number; month: number; day: number }): { year: number; month: number; day: number } {
  const d = new Date(Date.UTC(p.year, p.month - 1, p.day + 1));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/**
 * The instant `minutes` business minutes after `start`: time outside the calendar's
 * working hours and days does not count. A start outside working hours begins counting
 * at the next opening.
 */
export function addBusinessMinutes(start: Date, minutes: number, calendar: BusinessCalendar): Date {
  if (calendar.days.length === 0 || calendar.closeMinute <= calendar.openMinute)
    throw new Error('A business calendar needs working days and opening hours.');
  let remaining = minutes * 60_000;
  let t = start.getTime();
  let day = localParts(start, calendar.timeZone);
  // Bounded: even one working minute a week finds the deadline within this many days.
  for (let i = 0; i < 366 * 20; i++) {
    const weekday = new Date(Date.UTC(day.year, day.month - 1, day.day)).getUTCDay();
    if (calendar.days.includes(weekday)) {
      const open = instantOf(day.year, day.month, day.day, calendar.openMinute, calendar.timeZone);
      const close = instantOf(day.year, day.month, day.day, calendar.closeMinute, calendar.timeZone);
      const from = Math.max(t, open);
      if (from < close) {
        if (remaining <= close - from) return new Date(from + remaining);
        remaining -= close - from;
      }
    }
    day = { ...nextDay(day), weekday: 0, msOfDay: 0 };
    t = Math.max(t, instantOf(day.year, day.month, day.day, 0, calendar.timeZone));
  }
  throw new Error('No deadline within twenty years: check the business calendar.');
}

/** Parses `HH:MM-HH:MM` (24:00 allowed as a close) into minutes of the day. */
export function parseHours(raw: string): { openMinute: number; closeMinute: number } {
  const m = /^(\d{2}):(\d{2})-(\d{2}):(\d{2})$/.exec(raw.trim());
  if (!m) throw new Error(`Business hours "${raw}" are not HH:MM-HH:MM.`);
  const openMinute = Number(m[1]) * 60 + Number(m[2]);
  const closeMinute = Number(m[3]) * 60 + Number(m[4]);
  if (openMinute >= closeMinute || closeMinute > 1440) throw new Error(`Business hours "${raw}" must open before they close, by 24:00.`);
  return { openMinute, closeMinute };
}
