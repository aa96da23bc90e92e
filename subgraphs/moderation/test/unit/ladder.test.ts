import { describe, expect, it } from 'vitest';
import { DEFAULT_LADDER, appealDeadline, decideSanction, type LadderPolicy } from '../../src/domain/ladder.js';

const DAY = 86_400_000;
const now = new Date('2026-11-30T08:00:00.000Z');
const daysAgo = (d: number) => new Date(now.getTime() - d * DAY);
const policy: LadderPolicy = { ladder: DEFAULT_LADDER, repeatWindowMs: 365 * DAY, noticeMs: 72 * 3_600_000, immediate: ['CRITICAL'] };

describe('decideSanction (the ladder)', () => {
  it('a first minor violation earns a warning, in force after the 72-hour notice, until lifted', () => {
    expect(decideSanction('MINOR', [], now, policy)).toEqual({
      rung: 0,
      kind: 'WARNING',
      effectiveAt: new Date('2026-12-03T08:00:00.000Z'),
      endsAt: null,
      immediate: false,
    });
  });

  it('a repeat within the window climbs one rung: restricted benefits for 30 days from the effective date', () => {
    const d = decideSanction('MINOR', [daysAgo(40)], now, policy);
    expect(d).toMatchObject({ rung: 1, kind: 'RESTRICTED_BENEFITS', immediate: false });
    expect(d.endsAt!.getTime() - d.effectiveAt.getTime()).toBe(30 * DAY);
  });

  it('each earlier violation in the window is one more rung: third → downgrade, fourth → temporary ban, fifth → permanent ban', () => {
    expect(decideSanction('MINOR', [daysAgo(1), daysAgo(2)], now, policy).kind).toBe('DOWNGRADE');
    expect(decideSanction('MINOR', [daysAgo(1), daysAgo(2), daysAgo(3)], now, policy)).toMatchObject({ kind: 'BAN', rung: 3 });
    expect(decideSanction('MINOR', [daysAgo(1), daysAgo(2), daysAgo(3), daysAgo(4)], now, policy)).toMatchObject({
      kind: 'BAN',
      rung: 4,
      endsAt: null,
    });
  });

  it('never climbs past the top rung', () => {
    expect(
      decideSanction(
        'SEVERE',
        Array.from({ length: 9 }, (_, i) => daysAgo(i + 1)),
        now,
        policy,
      ),
    ).toMatchObject({ rung: 4, kind: 'BAN', endsAt: null });
  });

  it('violations older than the window do not count', () => {
    expect(decideSanction('MINOR', [daysAgo(366), daysAgo(500)], now, policy)).toMatchObject({ rung: 0, kind: 'WARNING' });
  });

  it('severity decides where a first violation starts: moderate → restricted, severe → temporary ban', () => {
    expect(decideSanction('MODERATE', [], now, policy).kind).toBe('RESTRICTED_BENEFITS');
    expect(decideSanction('SEVERE', [], now, policy)).toMatchObject({ rung: 3, kind: 'BAN' });
  });

  it('a critical violation (fraud) takes effect at once: a permanent ban from now', () => {
    expect(decideSanction('CRITICAL', [], now, policy)).toEqual({ rung: 4, kind: 'BAN', effectiveAt: now, endsAt: null, immediate: true });
  });

  it('the ladder is data: a shorter configured ladder is followed', () => {
    const short: LadderPolicy = { ...policy, ladder: [{ kind: 'WARNING' }, { kind: 'BAN', days: 7 }], immediate: [] };
    expect(decideSanction('SEVERE', [], now, short)).toMatchObject({ rung: 1, kind: 'BAN', immediate: false });
    expect(decideSanction('MINOR', [daysAgo(1)], now, short).endsAt).toEqual(new Date(now.getTime() + 72 * 3_600_000 + 7 * DAY));
  });

  it('the appeal window runs from the announcement', () => {
    expect(appealDeadline(now, 14 * DAY)).toEqual(new Date('2026-12-14T08:00:00.000Z'));
  });
});
