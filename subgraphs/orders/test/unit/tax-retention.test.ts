import { describe, expect, it } from 'vitest';
import { taxRetentionCutoff } from '../../src/domain/tax-retention.js';

describe('the tax retention cut-off', () => {
  it('is the same instant the given number of calendar years before', () => {
    expect(taxRetentionCutoff(new Date('2036-11-30T06:00:00Z'), 10).toISOString()).toBe('2026-11-30T06:00:00.000Z');
  });

  it('from 29 February it falls on 1 March of a common year', () => {
    expect(taxRetentionCutoff(new Date('2036-02-29T00:00:00Z'), 10).toISOString()).toBe('2026-03-01T00:00:00.000Z');
  });
});
