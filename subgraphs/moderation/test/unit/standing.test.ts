import { describe, expect, it } from 'vitest';
import { isInForce, standingFrom, type SanctionKind, type SanctionTerm } from '../../src/domain/standing.js';

const now = new Date('2026-11-29T08:00:00.000Z');
const daysFromNow = (days: number) => new Date(now.getTime() + days * 86_400_000);
const sanction = (kind: SanctionKind, startsIn = -1, endsIn: number | null = null): SanctionTerm => ({
  kind,
  startsAt: daysFromNow(startsIn),
  endsAt: endsIn === null ? null : daysFromNow(endsIn),
});

describe('standingFrom', () => {
  it('is GOOD for a member with no sanctions', () => {
    expect(standingFrom([], now)).toEqual({ status: 'GOOD', activeSanctions: [] });
  });

  it.each([
    ['WARNING', 'WARNED'],
    ['RESTRICTED_BENEFITS', 'RESTRICTED'],
    ['DOWNGRADE', 'RESTRICTED'],
    ['BAN', 'BANNED'],
  ] as const)('maps a single active %s to %s', (kind, status) => {
    expect(standingFrom([sanction(kind)], now).status).toBe(status);
  });

  it('lets the most severe active sanction decide, and lists it first', () => {
    const warning = sanction('WARNING', -10);
    const ban = sanction('BAN', -2);
    const restricted = sanction('RESTRICTED_BENEFITS', -5);
    const standing = standingFrom([warning, ban, restricted], now);
    expect(standing.status).toBe('BANNED');
    expect(standing.activeSanctions).toEqual([ban, restricted, warning]);
  });

  it('ignores a sanction that starts in the future', () => {
    const scheduledBan = sanction('BAN', 3);
    const standing = standingFrom([sanction('WARNING'), scheduledBan], now);
    expect(standing.status).toBe('WARNED');
    expect(standing.activeSanctions).not.toContain(scheduledBan);
  });

  it('ignores a sanction whose end has passed', () => {
    expect(standingFrom([sanction('BAN', -30, -1)], now)).toEqual({ status: 'GOOD', activeSanctions: [] });
  });
});

describe('isInForce', () => {
  it('counts a sanction from its start instant and no longer at its end instant', () => {
    expect(isInForce({ kind: 'WARNING', startsAt: now, endsAt: null }, now)).toBe(true);
    expect(isInForce({ kind: 'WARNING', startsAt: daysFromNow(-1), endsAt: now }, now)).toBe(false);
    expect(isInForce({ kind: 'WARNING', startsAt: daysFromNow(-1), endsAt: daysFromNow(1) }, now)).toBe(true);
  });
});
