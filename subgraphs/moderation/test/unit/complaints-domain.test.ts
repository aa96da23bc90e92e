import { describe, expect, it } from 'vitest';
import { parseHours } from '../../src/domain/business-hours.js';
import {
  afterRating,
  breaches,
  complaintDeadlines,
  complaintPriority,
  nextDeadline,
  repeatCauses,
  type ComplaintPolicy,
} from '../../src/domain/complaints.js';

const policy: ComplaintPolicy = {
  calendar: { timeZone: 'Asia/Shanghai', days: [1, 2, 3, 4, 5], ...parseHours('09:00-18:00') },
  firstResponseHours: { URGENT: 1, HIGH: 2, NORMAL: 4, LOW: 8 },
  resolutionHours: { URGENT: 8, HIGH: 16, NORMAL: 27, LOW: 45 },
  tierPriority: { GOLD: 'HIGH', DIAMOND: 'URGENT' },
  dissatisfiedAtOrBelow: 2,
};
const friday17 = new Date('2026-11-27T09:00:00Z');

describe('complaint priority and deadlines', () => {
  it("a Gold member's NORMAL complaint is HIGH, a Diamond's URGENT; a Bronze one keeps what it asked", () => {
    expect(complaintPriority('NORMAL', 'GOLD', policy)).toBe('HIGH');
    expect(complaintPriority('NORMAL', 'DIAMOND', policy)).toBe('URGENT');
    expect(complaintPriority('URGENT', 'GOLD', policy)).toBe('URGENT');
    expect(complaintPriority('LOW', 'BRONZE', policy)).toBe('LOW');
    expect(complaintPriority('LOW', null, policy)).toBe('LOW');
  });

  it('a NORMAL complaint on Friday 17:00 is due a first answer Monday 12:00 and resolution Wednesday 17:00', () => {
    expect(complaintDeadlines(friday17, 'NORMAL', policy)).toEqual({
      firstResponseDueAt: new Date('2026-11-30T04:00:00Z'),
      resolutionDueAt: new Date('2026-12-02T09:00:00Z'),
    });
  });

  it("an objection is resolved no later than the change's effective date", () => {
    const effective = new Date('2026-12-01T00:00:00Z');
    expect(complaintDeadlines(friday17, 'NORMAL', policy, effective).resolutionDueAt).toEqual(effective);
    // A change effective after the service level leaves the service level.
    expect(complaintDeadlines(friday17, 'NORMAL', policy, new Date('2027-01-01T00:00:00Z')).resolutionDueAt).toEqual(
      new Date('2026-12-02T09:00:00Z'),
    );
  });
});

describe('breaches and the next deadline', () => {
  const c = {
    status: 'OPEN' as const,
    firstResponseDueAt: new Date('2026-11-30T04:00:00Z'),
    firstRespondedAt: null,
    resolutionDueAt: new Date('2026-12-02T09:00:00Z'),
    resolvedAt: null,
  };
  it('over the weekend nothing is breached; Monday 12:01 the first answer is', () => {
    expect(breaches(c, new Date('2026-11-29T15:00:00Z'))).toEqual({ firstResponse: false, resolution: false });
    expect(breaches(c, new Date('2026-11-30T04:01:00Z'))).toEqual({ firstResponse: true, resolution: false });
  });
  it('an answer late stays a breach; the next deadline is then the resolution', () => {
    const answered = { ...c, status: 'ANSWERED' as const, firstRespondedAt: new Date('2026-11-30T05:00:00Z') };
    expect(breaches(answered, new Date('2026-12-01T00:00:00Z')).firstResponse).toBe(true);
    expect(nextDeadline(c)).toEqual(c.firstResponseDueAt);
    expect(nextDeadline(answered)).toEqual(c.resolutionDueAt);
    expect(nextDeadline({ ...answered, status: 'RESOLVED' })).toBeNull();
  });
});

describe('rating', () => {
  it('a dissatisfied rating reopens the complaint one priority higher', () => {
    expect(afterRating({ status: 'RESOLVED', priority: 'NORMAL', rating: null }, 2, policy)).toEqual({
      status: 'REOPENED',
      priority: 'HIGH',
      reopened: true,
    });
    expect(afterRating({ status: 'RESOLVED', priority: 'URGENT', rating: null }, 1, policy).priority).toBe('URGENT');
  });
  it('a satisfied rating closes it', () => {
    expect(afterRating({ status: 'RESOLVED', priority: 'NORMAL', rating: null }, 4, policy)).toEqual({
      status: 'CLOSED',
      priority: 'NORMAL',
      reopened: false,
    });
  });
  it('only a resolved complaint is rated, from 1 to 5', () => {
    expect(() => afterRating({ status: 'OPEN', priority: 'NORMAL', rating: null }, 4, policy)).toThrow(/once it is resolved/);
    expect(() => afterRating({ status: 'RESOLVED', priority: 'NORMAL', rating: null }, 6, policy)).toThrow(/1 \(very dissatisfied\) to 5/);
  });
});

describe('repeatCauses', () => {
  it('lists causes resolved more than once per category, most frequent first', () => {
    expect(
      repeatCauses([
        { category: 'DELIVERY', rootCause: 'late_courier' },
        { category: 'DELIVERY', rootCause: 'late_courier' },
        { category: 'DELIVERY', rootCause: 'late_courier' },
        { category: 'REFUND', rootCause: 'slow_bank' },
        { category: 'REFUND', rootCause: 'slow_bank' },
        { category: 'ORDER', rootCause: 'wrong_item' },
        { category: 'ORDER', rootCause: null },
      ]),
    ).toEqual([
      { category: 'DELIVERY', cause: 'late_courier', count: 3 },
      { category: 'REFUND', cause: 'slow_bank', count: 2 },
    ]);
  });
});
