import { describe, expect, it } from 'vitest';
import { DomainError } from '@membership/subgraph';
import { MAX_ENTRIES_PER_BATCH, validateEntries, type PiiAccessEntryInput } from '../../src/domain/pii-access-log.js';

const AT = new Date('2026-03-01T09:30:00Z');
const good: PiiAccessEntryInput = {
  viewerKind: 'staff',
  viewerId: 'staff-1',
  ownerMemberId: '00000000-0000-4000-8000-0000000000A1',
  fields: ['Member.email'],
  categories: ['CONTACT'],
  requestId: 'r1',
};

function failure(entries: PiiAccessEntryInput[]): DomainError {
  try {
    validateEntries(entries, AT);
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected validateEntries to refuse the batch');
}

describe('validating a batch of PII accesses', () => {
  it('stamps every entry with the time and its own id, lower-cases the owner and fills absent optionals with null', () => {
    const rows = validateEntries([good, { ...good, viewerKind: 'partner', purpose: 'miles' }], AT);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({
      accessedAt: AT,
      ownerMemberId: '00000000-0000-4000-8000-0000000000a1',
      purpose: null,
      viewerRole: null,
      operationName: null,
    });
    expect(rows[1]!.purpose).toBe('miles');
    expect(rows[0]!.id).not.toBe(rows[1]!.id);
  });

  it.each([
    ['an empty batch', [], 'entries'],
    ['one entry too many', Array.from({ length: MAX_ENTRIES_PER_BATCH + 1 }, () => good), 'entries'],
    ['an unknown viewer kind', [{ ...good, viewerKind: 'admin' }], 'entries[0].viewerKind'],
    ['an owner that is not a UUID', [good, { ...good, ownerMemberId: 'not-a-uuid' }], 'entries[1].ownerMemberId'],
    ['a blank viewer id', [{ ...good, viewerId: ' ' }], 'entries[0].viewerId'],
    ['a blank request id', [{ ...good, requestId: '' }], 'entries[0].requestId'],
    ['no fields', [{ ...good, fields: [] }], 'entries[0].fields'],
  ])('refuses %s as BAD_USER_INPUT naming the field', (_what, entries, field) => {
    const error = failure(entries);
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.field).toBe(field);
  });

  it('accepts exactly the largest batch', () => {
    expect(
      validateEntries(
        Array.from({ length: MAX_ENTRIES_PER_BATCH }, () => good),
        AT,
      ),
    ).toHaveLength(MAX_ENTRIES_PER_BATCH);
  });
});
