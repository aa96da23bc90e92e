import { describe, expect, it } from 'vitest';
import { exportMemberId, moderationExport } from '../../src/domain/export.js';

const CHEN = '00000000-0000-4000-8000-0000000000c3';
const at = new Date('2026-02-01T00:00:00.000Z');

describe("the moderation part of a member's export", () => {
  it('refuses a member id that is not a UUID, naming the field', () => {
    expect(() => exportMemberId('chen')).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'memberId' }));
  });

  it('includes lifted sanctions too, with their reason, dates and an open end as null', () => {
    const startsAt = new Date('2026-01-05T10:00:00.000Z');
    const data = moderationExport(
      CHEN,
      [
        {
          id: 's1',
          kind: 'RESTRICTED_BENEFITS',
          status: 'LIFTED',
          reason: 'Reselling coupons.',
          startsAt,
          endsAt: new Date('2026-01-12T10:00:00.000Z'),
          createdAt: startsAt,
        },
        { id: 's2', kind: 'WARNING', status: 'ACTIVE', reason: 'Offensive review.', startsAt, endsAt: null, createdAt: startsAt },
      ],
      at,
    );
    expect(data.sanctions).toEqual([
      {
        id: 's1',
        kind: 'RESTRICTED_BENEFITS',
        status: 'LIFTED',
        reason: 'Reselling coupons.',
        startsAt: '2026-01-05T10:00:00.000Z',
        endsAt: '2026-01-12T10:00:00.000Z',
        appliedAt: '2026-01-05T10:00:00.000Z',
      },
      {
        id: 's2',
        kind: 'WARNING',
        status: 'ACTIVE',
        reason: 'Offensive review.',
        startsAt: '2026-01-05T10:00:00.000Z',
        endsAt: null,
        appliedAt: '2026-01-05T10:00:00.000Z',
      },
    ]);
  });
});
