import { describe, expect, it } from 'vitest';
import { DomainError } from '@membership/subgraph';
import { checkPassword } from '../../src/domain/password-policy.js';
import { DEFAULT_ROLES, scopesOf } from '../../src/domain/roles.js';
import { generatePassword, mustChangePassword, passwordExpiresAt, requireReason } from '../../src/domain/staff.js';

const NOW = new Date('2026-11-29T10:00:00Z');
const daysAgo = (n: number) => new Date(NOW.getTime() - n * 86_400_000);

describe('staff password rotation', () => {
  it('a temporary password (never chosen) must be changed at once and has no expiry date', () => {
    expect(passwordExpiresAt({ passwordChangedAt: null }, 90)).toBeNull();
    expect(mustChangePassword({ passwordChangedAt: null }, NOW, 90)).toBe(true);
  });
  it('a password chosen 89 days ago still works; at 90 days it must be changed', () => {
    expect(mustChangePassword({ passwordChangedAt: daysAgo(89) }, NOW, 90)).toBe(false);
    expect(mustChangePassword({ passwordChangedAt: daysAgo(90) }, NOW, 90)).toBe(true);
    expect(passwordExpiresAt({ passwordChangedAt: daysAgo(10) }, 90)).toEqual(new Date(NOW.getTime() + 80 * 86_400_000));
  });
});

describe('staff roles', () => {
  it('the default roles are support, reviewer, moderator, finance, admin, partnerships and auditor', () => {
    expect(DEFAULT_ROLES.map((r) => r.name)).toEqual(['support', 'reviewer', 'moderator', 'finance', 'admin', 'partnerships', 'auditor']);
  });
  it('only reviewers review verifications, only admins manage staff, auditors and admins read the audit log', () => {
    const holders = (scope: string) => DEFAULT_ROLES.filter((r) => r.scopes.includes(scope)).map((r) => r.name);
    expect(holders('verification:review')).toEqual(['reviewer']);
    expect(holders('staff:manage')).toEqual(['admin']);
    expect(holders('audit:read')).toEqual(['admin', 'auditor']);
    expect(holders('pii:contact:read')).toEqual([]);
    expect(holders('pii:behaviour:read')).toEqual(['support', 'moderator', 'finance']);
    expect(holders('partners:manage')).toEqual(['partnerships']);
  });
  it('a token carries each scope once, sorted, whichever roles granted it', () => {
    expect(scopesOf([{ scope: 'members:read' }, { scope: 'audit:read' }, { scope: 'members:read' }])).toEqual(['audit:read', 'members:read']);
  });
});

describe('staff operations', () => {
  it('a reason is required and trimmed', () => {
    expect(requireReason('  ticket 42 ')).toBe('ticket 42');
    for (const bad of [undefined, null, '', '  ', 'x'.repeat(501)]) {
      expect(() => requireReason(bad)).toThrow(DomainError);
    }
  });
  it('a generated admin password passes the password policy', () => {
    for (let i = 0; i < 20; i++) expect(() => checkPassword(generatePassword())).not.toThrow();
  });
});
