import { describe, expect, it } from 'vitest';
import type { RefreshTokenRow } from '../../src/domain/records.js';
import { refreshRefusal, refreshTokenRow } from '../../src/domain/sessions.js';

const NOW = new Date('2026-11-29T10:00:00Z');
const row = (overrides: Partial<RefreshTokenRow> = {}): RefreshTokenRow => ({
  ...refreshTokenRow('hash', new Date('2026-11-20T10:00:00Z'), { ttlDays: 30 }),
  memberId: '00000000-0000-4000-8000-0000000000a1',
  rotatedAt: null,
  revokedAt: null,
  revokedReason: null,
  ...overrides,
});

describe('why a refresh token cannot be exchanged', () => {
  it('a token nobody issued is unknown', () => {
    expect(refreshRefusal(undefined, NOW)).toBe('unknown');
  });
  it('a token already exchanged is reuse, even if it has also expired since', () => {
    expect(refreshRefusal(row({ rotatedAt: NOW }), NOW)).toBe('reused');
    expect(refreshRefusal(row({ rotatedAt: NOW, expiresAt: new Date('2026-01-01T00:00:00Z') }), NOW)).toBe('reused');
  });
  it('a revoked token is revoked, whether or not it was exchanged before', () => {
    expect(refreshRefusal(row({ revokedAt: NOW, rotatedAt: NOW }), NOW)).toBe('revoked');
  });
  it('a token past its expiry is expired', () => {
    expect(refreshRefusal(row({ expiresAt: NOW }), NOW)).toBe('expired');
  });
  it("a new token expires after the policy's days and starts its own family unless given one", () => {
    const a = refreshTokenRow('h1', NOW, { ttlDays: 30 });
    const b = refreshTokenRow('h2', NOW, { ttlDays: 30 }, a.familyId);
    expect(a.expiresAt.toISOString()).toBe('2026-12-29T10:00:00.000Z');
    expect(b.familyId).toBe(a.familyId);
    expect(refreshTokenRow('h3', NOW, { ttlDays: 30 }).familyId).not.toBe(a.familyId);
  });
});
