import { describe, expect, it } from 'vitest';
import { VERIFICATION_EXPIRING_NOTICE, verificationExpiringNotice } from '../../src/domain/notices.js';
import { reminderWindowEnd, renewable } from '../../src/domain/verification-rules.js';

const NOW = new Date('2026-11-29T10:00:00Z');

describe('verification expiry reminders', () => {
  it('the reminder window ends the renewal days after now, so a reminder comes exactly when renewal opens', () => {
    const policy = { validMonths: 12, renewDaysBefore: 30, primaryAttemptsPerDay: 5 };
    const end = reminderWindowEnd(NOW, policy);
    expect(end.toISOString()).toBe('2026-12-29T10:00:00.000Z');
    expect(renewable(end, NOW, policy)).toBe(true);
    expect(renewable(new Date(end.getTime() + 1), NOW, policy)).toBe(false);
  });

  it('the reminder names the level and the expiry day', () => {
    expect(verificationExpiringNotice('advanced', new Date('2027-01-15T23:30:00Z'))).toEqual({
      kind: 'verification_expiring',
      title: 'Your real-name verification expires soon',
      body: 'Your advanced verification expires on 2027-01-15. Renew it before then to keep your verification level.',
    });
  });

  it('the template has exactly the two places the job fills', () => {
    expect(VERIFICATION_EXPIRING_NOTICE.body.match(/\{\w+\}/g)).toEqual(['{level}', '{date}']);
  });
});
