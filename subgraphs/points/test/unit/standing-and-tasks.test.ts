import { describe, expect, it } from 'vitest';
import { DomainError } from '@membership/domain';
import { assertMaySpend } from '../../src/domain/standing.js';
import { assertVerified, needsFulfilment } from '../../src/domain/store.js';
import { newShareCode, taskKey } from '../../src/domain/tasks.js';

/** The error `work` throws, or null. */
function thrown(work: () => unknown): DomainError | null {
  try {
    work();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  return null;
}

const now = new Date('2026-12-01T00:00:00Z');

describe('who may spend points', () => {
  it('a restriction names its kind and end; a ban without an end is named before it, until lifted', () => {
    const ends = new Date('2026-12-15T00:00:00Z');
    const restricted = thrown(() => assertMaySpend([{ sanctionId: 's1', kind: 'RESTRICTED_BENEFITS', endsAt: ends }], now));
    expect(restricted?.code).toBe('FORBIDDEN');
    expect(restricted?.details).toMatchObject({ sanction: 'RESTRICTED_BENEFITS', restrictedUntil: ends.toISOString() });
    const both = thrown(() =>
      assertMaySpend(
        [
          { sanctionId: 's1', kind: 'RESTRICTED_BENEFITS', endsAt: ends },
          { sanctionId: 's2', kind: 'BAN', endsAt: null },
        ],
        now,
      ),
    );
    expect(both?.details).toMatchObject({ sanction: 'BAN', restrictedUntil: null });
    expect(both?.message).toContain('until it is lifted');
    // Over, or not a spending sanction: no refusal.
    expect(thrown(() => assertMaySpend([{ sanctionId: 's3', kind: 'RESTRICTED_BENEFITS', endsAt: now }], now))).toBeNull();
    expect(thrown(() => assertMaySpend([{ sanctionId: 's4', kind: 'WARNING', endsAt: null }], now))).toBeNull();
  });
});

describe('verification for verified features', () => {
  const primary = { level: 'primary', expiresAt: null, refused: false };

  it('asks for the level needed, and takes it or a higher one in force', () => {
    expect(thrown(() => assertVerified(null, 'primary', 'Items', now))?.details).toEqual({ requiredLevel: 'primary' });
    expect(thrown(() => assertVerified(null, 'primary', 'Items', now))?.code).toBe('VERIFICATION_REQUIRED');
    expect(thrown(() => assertVerified(primary, 'primary', 'Items', now))).toBeNull();
    expect(thrown(() => assertVerified({ ...primary, level: 'advanced' }, 'primary', 'Items', now))).toBeNull();
    expect(thrown(() => assertVerified(primary, 'advanced', 'Items', now))?.details).toEqual({ requiredLevel: 'advanced' });
    expect(thrown(() => assertVerified({ ...primary, expiresAt: now }, 'primary', 'Items', now))?.code).toBe('VERIFICATION_REQUIRED');
  });

  it('a refused verification closes verified features, and says so', () => {
    const refused = thrown(() => assertVerified({ level: 'advanced', expiresAt: null, refused: true }, 'primary', 'Lottery entries', now));
    expect(refused?.code).toBe('VERIFICATION_REQUIRED');
    expect(refused?.message).toContain('your verification was refused');
  });
});

describe('store items and tasks', () => {
  it('physical goods and event places need fulfilment; coupons, trials and benefits do not', () => {
    expect(['COUPON', 'PHYSICAL', 'TRIAL', 'EVENT_PLACE', 'BENEFIT'].filter((k) => needsFulfilment(k as never))).toEqual([
      'PHYSICAL',
      'EVENT_PLACE',
    ]);
  });

  it('share codes are 10 unambiguous characters, different each time; a task is keyed by its kind and source', () => {
    const codes = new Set(Array.from({ length: 200 }, newShareCode));
    expect(codes.size).toBe(200);
    for (const code of codes) expect(code).toMatch(/^[A-HJKMNP-Z2-9]{10}$/);
    expect(taskKey('review', 'o1')).toBe('task:review:o1');
  });
});
