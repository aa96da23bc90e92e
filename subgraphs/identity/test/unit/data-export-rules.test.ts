import { describe, expect, it } from 'vitest';
import { DomainError } from '@membership/subgraph';
import {
  checkCanRequestExport,
  exportDisplayStatus,
  exportDocument,
  exportExpiresAt,
  identityExport,
  isDownloadable,
} from '../../src/domain/data-export-rules.js';

const NOW = new Date('2026-11-29T10:00:00Z');

describe('data export status', () => {
  const ready = { status: 'ready', expiresAt: exportExpiresAt(NOW, { ttlHours: 72 }) };

  it('a finished export is downloadable for 72 hours by default policy, then EXPIRED', () => {
    expect(ready.expiresAt.toISOString()).toBe('2026-12-02T10:00:00.000Z');
    expect(exportDisplayStatus(ready, new Date('2026-12-02T09:59:59Z'))).toBe('READY');
    expect(isDownloadable(ready, new Date('2026-12-02T09:59:59Z'))).toBe(true);
    expect(exportDisplayStatus(ready, new Date('2026-12-02T10:00:00Z'))).toBe('EXPIRED');
    expect(isDownloadable(ready, new Date('2026-12-02T10:00:00Z'))).toBe(false);
  });

  it('pending and failed exports are never downloadable', () => {
    expect(exportDisplayStatus({ status: 'pending', expiresAt: null }, NOW)).toBe('PENDING');
    expect(exportDisplayStatus({ status: 'failed', expiresAt: null }, NOW)).toBe('FAILED');
    expect(isDownloadable({ status: 'failed', expiresAt: null }, NOW)).toBe(false);
  });

  it('a second request while one is pending is CONFLICT', () => {
    expect(() => checkCanRequestExport(undefined)).not.toThrow();
    try {
      checkCanRequestExport({ requestedAt: NOW });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DomainError);
      expect((e as DomainError).code).toBe('CONFLICT');
    }
  });
});

describe('the export document', () => {
  it("puts identity's part and each subgraph's part side by side, PII accesses oldest first, times in ISO 8601", () => {
    const identity = identityExport({
      memberId: 'm1',
      exportedAt: NOW,
      profile: {
        displayName: 'Ana',
        email: 'ana@example.com',
        phone: null,
        registeredAt: NOW,
        emailVerifiedAt: null,
        phoneVerifiedAt: null,
        language: 'en',
        serviceEmails: true,
      },
      verification: { level: 'primary', expiresAt: new Date('2027-11-29T10:00:00Z') },
      piiAccessLog: [
        {
          accessedAt: new Date('2026-11-02T00:00:00Z'),
          viewerKind: 'staff',
          viewerId: 's2',
          viewerRole: null,
          fields: ['Member.phone'],
          categories: ['CONTACT'],
          purpose: null,
        },
        {
          accessedAt: new Date('2026-11-01T00:00:00Z'),
          viewerKind: 'staff',
          viewerId: 's1',
          viewerRole: 'support',
          fields: ['Member.email'],
          categories: ['CONTACT'],
          purpose: 'ticket 7',
        },
      ],
      extra: { consents: [] },
    });
    const doc = exportDocument({ memberId: 'm1', requestedAt: NOW, exportedAt: NOW, identity, parts: { orders: { orders: [] } } });
    expect(doc).toMatchObject({
      format: 'membership-data-export/v1',
      memberId: 'm1',
      exportedAt: '2026-11-29T10:00:00.000Z',
      orders: { orders: [] },
      identity: {
        profile: {
          email: 'ana@example.com',
          registeredAt: '2026-11-29T10:00:00.000Z',
          emailVerifiedAt: null,
          language: 'en',
          serviceEmails: true,
        },
        verification: { level: 'primary', expiresAt: '2027-11-29T10:00:00.000Z' },
        consents: [],
      },
    });
    expect(identity.piiAccessLog.map((a) => a.viewerId)).toEqual(['s1', 's2']);
  });
});
