/** How a request's disclosures become access-log rows (one per owner), with no servers. */
import { describe, expect, it } from 'vitest';
import { entriesFor } from '../../src/pii/access-log.js';
import type { Disclosure } from '../../src/pii/guarded-schema.js';

const disclosure = (ownerId: string, field: string, category: string): Disclosure => ({ ownerId, field, category, holder: {}, key: field });

describe('access-log entries', () => {
  it('groups disclosures by owner, even when owners interleave, with each field and category once, sorted', () => {
    const entries = entriesFor(
      [
        disclosure('m-bo', 'Member.phone', 'CONTACT'),
        disclosure('m-bo', 'Member.email', 'CONTACT'),
        disclosure('m-ana', 'Member.idNumber', 'IDENTITY'),
        disclosure('m-bo', 'Member.realName', 'IDENTITY'),
        disclosure('m-ana', 'Member.email', 'CONTACT'),
        disclosure('m-bo', 'Member.email', 'CONTACT'),
      ],
      {
        viewer: { kind: 'staff', staffId: 's-1', scopes: ['pii:contact:read', 'pii:identity:read'], purpose: 'support' },
        requestId: 'r-1',
        operationName: 'Lookup',
      },
    );
    expect(entries).toEqual([
      {
        viewerKind: 'staff',
        viewerId: 's-1',
        viewerRole: 'pii:contact:read pii:identity:read',
        ownerMemberId: 'm-bo',
        fields: ['Member.email', 'Member.phone', 'Member.realName'],
        categories: ['CONTACT', 'IDENTITY'],
        purpose: 'support',
        operationName: 'Lookup',
        requestId: 'r-1',
      },
      expect.objectContaining({ ownerMemberId: 'm-ana', fields: ['Member.email', 'Member.idNumber'], categories: ['CONTACT', 'IDENTITY'] }),
    ]);
  });
});
