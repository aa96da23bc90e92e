import { describe, expect, it } from 'vitest';
import { afterFailedLogin, lockMinutesFor, type LockoutPolicy } from '../../src/domain/lockout.js';
import { recipientHint } from '../../src/domain/notifier.js';
import {
  codeRefusal,
  codeRow,
  newCode,
  secondsBeforeResend,
  wrongCodeMessage,
  type RegistrationCodePolicy,
} from '../../src/domain/registration-codes.js';

const NOW = new Date('2026-11-29T10:00:00Z');
const policy: LockoutPolicy = { maxFailures: 5, lockMinutes: 15, growthFactor: 2, maxLockMinutes: 240 };
const codes: RegistrationCodePolicy = { required: true, ttlMinutes: 10, maxAttempts: 5, resendSeconds: 60 };
const minutes = (n: number) => new Date(NOW.getTime() + n * 60_000);

describe('growing lockout', () => {
  it('each lock in a row lasts twice as long as the one before, up to the cap', () => {
    expect([0, 1, 2, 3, 4, 5].map((n) => lockMinutesFor(policy, n))).toEqual([15, 30, 60, 120, 240, 240]);
  });

  it('four wrong passwords only count; the fifth locks for the next lock length and starts the count over', () => {
    let state = { failedLogins: 0, lockCount: 1, lockedUntil: null as Date | null };
    for (let i = 1; i < 5; i++) {
      state = afterFailedLogin(state, policy, NOW);
      expect(state).toEqual({ failedLogins: i, lockCount: 1, lockedUntil: null });
    }
    expect(afterFailedLogin(state, policy, NOW)).toEqual({ failedLogins: 0, lockCount: 2, lockedUntil: minutes(30) });
  });
});

describe('registration codes', () => {
  const row = (overrides = {}) => ({ ...codeRow('email', 'lookup', () => 'hash', NOW, codes), ...overrides });

  it('a code is six digits and a fresh one is usable until it expires', () => {
    expect(newCode()).toMatch(/^\d{6}$/);
    expect(codeRefusal(row(), minutes(9), codes)).toBeNull();
    expect(codeRefusal(row(), minutes(10), codes)).toBe('expired');
  });

  it('no code, a used code and a code with every attempt spent are each refused for their own reason', () => {
    expect(codeRefusal(undefined, NOW, codes)).toBe('none');
    expect(codeRefusal(row({ consumedAt: NOW }), NOW, codes)).toBe('used');
    expect(codeRefusal(row({ attempts: 5 }), NOW, codes)).toBe('exhausted');
    expect(codeRefusal(row({ attempts: 4 }), NOW, codes)).toBeNull();
  });

  it('another code may be sent a minute after the last one, or at once when the last was used', () => {
    expect(secondsBeforeResend(undefined, NOW, codes)).toBe(0);
    expect(secondsBeforeResend(row(), new Date(NOW.getTime() + 20_000), codes)).toBe(40);
    expect(secondsBeforeResend(row(), minutes(1), codes)).toBe(0);
    expect(secondsBeforeResend(row({ consumedAt: NOW }), NOW, codes)).toBe(0);
  });

  it('a wrong code says how many attempts are left, and the last one says to ask again', () => {
    expect(wrongCodeMessage(1, codes)).toMatch(/4 attempts left/);
    expect(wrongCodeMessage(4, codes)).toMatch(/1 attempt left/);
    expect(wrongCodeMessage(5, codes)).toMatch(/last attempt/);
  });

  it('the recipient is shown masked', () => {
    expect(recipientHint('email', 'jia@example.com')).toBe('j***@example.com');
    expect(recipientHint('sms', '+8613812345678')).toBe('138****5678');
  });
});
