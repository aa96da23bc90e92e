import { describe, expect, it } from 'vitest';
import { DomainError } from '@membership/subgraph';
import { checkPassword } from '../../src/domain/password-policy.js';
import { DEFAULT_ROLES, grantCheck, scopesOf } from '../../src/domain/roles.js';
import { longestBan } from '../../src/domain/session-check.js';
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
  it('reviewers (and the admin, who grants it) review verifications, only admins manage staff, auditors and admins read the audit log', () => {
    const holders = (scope: string) => DEFAULT_ROLES.filter((r) => r.scopes.includes(scope)).map((r) => r.name);
    expect(holders('verification:review')).toEqual(['reviewer', 'admin']);
    expect(holders('staff:manage')).toEqual(['admin']);
    expect(holders('audit:read')).toEqual(['admin', 'auditor']);
    expect(holders('pii:contact:read')).toEqual([]);
    expect(holders('pii:behaviour:read')).toEqual(['support', 'moderator', 'finance']);
    expect(holders('partners:manage')).toEqual(['admin', 'partnerships']);
  });
  it('the admin holds every scope the other default roles give but full PII reads, so she can grant them; nobody holds pii:*:read through admin', () => {
    const admin = DEFAULT_ROLES.find((r) => r.name === 'admin')!;
    const others = DEFAULT_ROLES.flatMap((r) => r.scopes).filter((s) => !/^pii:\w+:read$/.test(s));
    expect(admin.scopes).toEqual(expect.arrayContaining(others));
    expect(admin.scopes.filter((s) => /^pii:\w+:read$/.test(s))).toEqual([]);
  });
  it('a token carries each scope once, sorted, whichever roles granted it', () => {
    expect(scopesOf([{ scope: 'members:read' }, { scope: 'audit:read' }, { scope: 'members:read' }])).toEqual([
      'audit:read',
      'members:read',
    ]);
  });
});

describe('granting roles', () => {
  const roles = [
    { name: 'support', scopes: ['members:read', 'orders:read', 'pii:behaviour:read', 'pii:contact:masked'] },
    { name: 'finance', scopes: ['members:read', 'orders:refund', 'pii:financial:read'] },
    { name: 'auditor', scopes: ['members:read', 'audit:read'] },
  ];
  it('Hal, holding members:read alone, cannot give support: orders:read and pii:contact:masked are not his', () => {
    expect(grantCheck(roles, ['support'], [], new Set(['members:read', 'staff:manage']))).toEqual({
      notHeld: ['orders:read', 'pii:contact:masked'],
      needsApproval: ['pii:behaviour:read'],
    });
  });
  it('an admin holding every non-PII scope gives support, but behaviour in full waits for a second admin', () => {
    expect(grantCheck(roles, ['support'], [], new Set(['members:read', 'orders:read', 'pii:contact:masked']))).toEqual({
      notHeld: [],
      needsApproval: ['pii:behaviour:read'],
    });
  });
  it('scopes the staff member already holds ask nothing: support keeping support and gaining auditor needs audit:read only', () => {
    expect(grantCheck(roles, ['support', 'auditor'], ['support'], new Set(['members:read']))).toEqual({
      notHeld: ['audit:read'],
      needsApproval: [],
    });
  });
  it('taking roles away asks nothing', () => {
    expect(grantCheck(roles, ['auditor'], ['auditor', 'finance'], new Set())).toEqual({ notHeld: [], needsApproval: [] });
  });
  it("an operator's command holds every scope; pii:*:read is still reported", () => {
    expect(grantCheck(roles, ['finance'], [], undefined)).toEqual({ notHeld: [], needsApproval: ['pii:financial:read'] });
  });
});

describe('bans', () => {
  const ban = (endsAt: string | null) => ({
    sanctionId: endsAt ?? 'forever',
    memberId: 'm',
    endsAt: endsAt ? new Date(endsAt) : null,
    appliedAt: new Date(0),
  });
  it('of several bans the one without an end counts, else the one that ends last', () => {
    expect(longestBan([ban('2027-01-01T00:00:00Z'), ban(null), ban('2028-01-01T00:00:00Z')])?.endsAt).toBeNull();
    expect(longestBan([ban('2027-01-01T00:00:00Z'), ban('2028-01-01T00:00:00Z')])?.endsAt).toEqual(new Date('2028-01-01T00:00:00Z'));
    expect(longestBan([])).toBeUndefined();
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
