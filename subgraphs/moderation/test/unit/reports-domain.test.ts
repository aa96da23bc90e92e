import { describe, expect, it } from 'vitest';
import { contentRef, foldInto, reportPriority, requireText } from '../../src/domain/reports.js';

const HOUR = 3_600_000;
const now = new Date('2026-11-30T08:00:00.000Z');
const hoursAgo = (h: number) => new Date(now.getTime() - h * HOUR);
const WINDOW = 72 * HOUR;

describe('foldInto (report deduplication)', () => {
  it('the same reporter reporting again folds into their open report, however long ago', () => {
    const open = [{ id: 'r1', lastReportedAt: hoursAgo(500), reporters: ['member:ana'] }];
    expect(foldInto(open, 'member:ana', now, WINDOW)?.id).toBe('r1');
  });

  it('another reporter within the window folds into the open report', () => {
    const open = [{ id: 'r1', lastReportedAt: hoursAgo(10), reporters: ['member:ana'] }];
    expect(foldInto(open, 'member:bo', now, WINDOW)?.id).toBe('r1');
  });

  it('another reporter after the window starts a new report', () => {
    const open = [{ id: 'r1', lastReportedAt: hoursAgo(73), reporters: ['member:ana'] }];
    expect(foldInto(open, 'member:bo', now, WINDOW)).toBeNull();
  });

  it('with nothing open, a report is new', () => {
    expect(foldInto([], 'member:bo', now, WINDOW)).toBeNull();
  });
});

describe('reportPriority', () => {
  it('ranks an illegal act above an insult, and more reporters above fewer', () => {
    expect(reportPriority('ILLEGAL_ACT', 1, false)).toBeGreaterThan(reportPriority('INSULT', 1, false));
    expect(reportPriority('INSULT', 3, false)).toBeGreaterThan(reportPriority('INSULT', 1, false));
  });

  it('a crowd cannot lift an insult above an illegal act', () => {
    expect(reportPriority('INSULT', 1000, true)).toBeLessThan(reportPriority('ILLEGAL_ACT', 1, false));
  });
});

describe('input rules', () => {
  it('refuses empty or long text and malformed content references, naming the field', () => {
    expect(() => requireText('   ', 'details', 10)).toThrow(/details/);
    expect(() => requireText('x'.repeat(11), 'details', 10)).toThrow(/at most 10/);
    expect(contentRef(' review:abc123 ')).toBe('review:abc123');
    expect(contentRef(null)).toBe('');
    expect(() => contentRef('a review')).toThrow(/kind:id/);
  });
});
