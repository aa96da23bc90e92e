import { describe, expect, it } from 'vitest';
import { addBusinessMinutes, parseHours, type BusinessCalendar } from '../../src/domain/business-hours.js';

/** Weekdays 09:00-18:00 in Shanghai (UTC+8, no daylight saving). */
const OFFICE: BusinessCalendar = { timeZone: 'Asia/Shanghai', days: [1, 2, 3, 4, 5], ...parseHours('09:00-18:00') };
/** Every day, all day: a 7×24 queue is the same rule with another calendar. */
const ALWAYS: BusinessCalendar = { timeZone: 'Asia/Shanghai', days: [0, 1, 2, 3, 4, 5, 6], ...parseHours('00:00-24:00') };
const hours = (h: number) => h * 60;

describe('addBusinessMinutes', () => {
  it('counts within one working day', () => {
    // Monday 10:00 in Shanghai + 3h = 13:00.
    expect(addBusinessMinutes(new Date('2026-11-30T02:00:00Z'), hours(3), OFFICE).toISOString()).toBe('2026-11-30T05:00:00.000Z');
  });

  it('a complaint on Friday 17:00 with 4 business hours is due Monday 12:00: the weekend does not count', () => {
    // Fri 2026-11-27 17:00 +08:00 = 09:00Z; 1h on Friday, 3h on Monday.
    expect(addBusinessMinutes(new Date('2026-11-27T09:00:00Z'), hours(4), OFFICE).toISOString()).toBe('2026-11-30T04:00:00.000Z');
  });

  it('27 business hours from Friday 17:00 end on Wednesday 17:00', () => {
    // 1h Friday + 9h Monday + 9h Tuesday + 8h Wednesday.
    expect(addBusinessMinutes(new Date('2026-11-27T09:00:00Z'), hours(27), OFFICE).toISOString()).toBe('2026-12-02T09:00:00.000Z');
  });

  it('a complaint filed on Saturday starts counting at Monday 09:00', () => {
    expect(addBusinessMinutes(new Date('2026-11-28T06:00:00Z'), hours(2), OFFICE).toISOString()).toBe('2026-11-30T03:00:00.000Z');
  });

  it('a complaint filed after closing starts counting at the next opening', () => {
    // Tuesday 20:00 local → Wednesday 09:00 + 1h.
    expect(addBusinessMinutes(new Date('2026-12-01T12:00:00Z'), hours(1), OFFICE).toISOString()).toBe('2026-12-02T02:00:00.000Z');
  });

  it('ending exactly at closing stays on that day', () => {
    expect(addBusinessMinutes(new Date('2026-11-30T01:00:00Z'), hours(9), OFFICE).toISOString()).toBe('2026-11-30T10:00:00.000Z');
  });

  it('on a 7×24 calendar the same 4 hours from Friday 17:00 end Friday 21:00, weekend or not', () => {
    expect(addBusinessMinutes(new Date('2026-11-27T09:00:00Z'), hours(4), ALWAYS).toISOString()).toBe('2026-11-27T13:00:00.000Z');
    expect(addBusinessMinutes(new Date('2026-11-28T22:00:00Z'), hours(30), ALWAYS).toISOString()).toBe('2026-11-30T04:00:00.000Z');
  });

  it('follows the local clock across a daylight-saving change (Berlin, 29 March 2026)', () => {
    const berlin: BusinessCalendar = { timeZone: 'Europe/Berlin', days: [0, 1, 2, 3, 4, 5, 6], ...parseHours('08:00-20:00') };
    // Saturday 19:00 CET (18:00Z): 1h Saturday, then Sunday opens 08:00 CEST (06:00Z): due 09:00 CEST.
    expect(addBusinessMinutes(new Date('2026-03-28T18:00:00Z'), hours(2), berlin).toISOString()).toBe('2026-03-29T07:00:00.000Z');
  });

  it('refuses hours that close before they open', () => {
    expect(() => parseHours('18:00-09:00')).toThrow(/open before they close/);
    expect(() => parseHours('9-18')).toThrow(/HH:MM-HH:MM/);
  });
});
