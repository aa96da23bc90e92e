import { describe, expect, it } from 'vitest';
import { renderNotice, VERIFICATION_EXPIRING_NOTICE, verificationExpiringNotice } from '../../src/domain/notices.js';
import { en } from '../../src/messages/en.js';
import { placeholders, translate } from '../../src/messages/index.js';
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

  it("the reminder names the level and the expiry day, in the member's language", () => {
    const notice = verificationExpiringNotice('advanced', new Date('2027-01-15T23:30:00Z'));
    expect(renderNotice({ ...notice, title: null, body: null }, 'en')).toEqual({
      title: 'Your real-name verification expires soon',
      body: 'Your advanced verification expires on 2027-01-15. Renew it before then to keep your verification level.',
    });
    expect(renderNotice({ ...notice, title: null, body: null }, 'zh-CN').body).toBe(
      '您的高级实名认证将于 2027-01-15 到期。请在此之前重新认证，以保留您的认证等级。',
    );
  });

  it('the message has exactly the two params the job fills', () => {
    expect(placeholders(translate('en', `${VERIFICATION_EXPIRING_NOTICE.template}.body`, { level: 'x', date: 'y' }))).toEqual([]);
    expect(new Set(placeholders(en[`${VERIFICATION_EXPIRING_NOTICE.template}.body`]!))).toEqual(new Set(['level', 'date']));
  });
});
