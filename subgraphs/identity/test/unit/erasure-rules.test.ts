import { describe, expect, it } from 'vitest';
import { DomainError } from '@membership/subgraph';
import { checkCanCancelErasure, checkCanRequestErasure, erasureDueAt, isDue } from '../../src/domain/erasure-rules.js';

const NOW = new Date('2026-11-29T10:00:00Z');
const failure = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainError) return `${e.code}:${e.message}`;
    throw e;
  }
  return 'ok';
};
const pending = (dueAt: string) => ({ status: 'pending', dueAt: new Date(dueAt) });

describe('erasure grace period', () => {
  it('a request made now is due fifteen days later by default policy, to the millisecond', () => {
    expect(erasureDueAt(NOW, { graceDays: 15 }).toISOString()).toBe('2026-12-14T10:00:00.000Z');
    expect(erasureDueAt(NOW, { graceDays: 0 })).toEqual(NOW);
  });

  it('a pending request is due at the end of its grace period, not a moment before; cancelled or done ones never are', () => {
    const request = pending('2026-12-14T10:00:00Z');
    expect(isDue(request, new Date('2026-12-14T09:59:59.999Z'))).toBe(false);
    expect(isDue(request, new Date('2026-12-14T10:00:00Z'))).toBe(true);
    expect(isDue({ ...request, status: 'cancelled' }, new Date('2027-01-01T00:00:00Z'))).toBe(false);
    expect(isDue({ ...request, status: 'done' }, new Date('2027-01-01T00:00:00Z'))).toBe(false);
  });
});

describe('who may request or cancel', () => {
  it('a live member with nothing pending may request', () => {
    expect(failure(() => checkCanRequestErasure({ erasedAt: null }, undefined))).toBe('ok');
  });

  it('a second request while one is pending is CONFLICT and says when the first one happens', () => {
    expect(failure(() => checkCanRequestErasure({ erasedAt: null }, pending('2026-12-14T10:00:00Z')))).toMatch(
      /^CONFLICT:.*2026-12-14.*cancelErasure/,
    );
  });

  it('an erased member cannot request again', () => {
    expect(failure(() => checkCanRequestErasure({ erasedAt: NOW }, undefined))).toMatch(/^CONFLICT:.*already been erased/);
  });

  it('cancelling needs a pending request inside its grace period', () => {
    expect(failure(() => checkCanCancelErasure(pending('2026-12-14T10:00:00Z'), NOW))).toBe('ok');
    expect(failure(() => checkCanCancelErasure(undefined, NOW))).toMatch(/^NOT_FOUND:/);
    expect(failure(() => checkCanCancelErasure(pending('2026-11-29T10:00:00Z'), NOW))).toMatch(/^CONFLICT:.*grace period is over/);
  });
});
