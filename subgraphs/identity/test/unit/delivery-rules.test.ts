import { describe, expect, it } from 'vitest';
import { afterFailure, messageExpiry, nextStep } from '../../src/domain/delivery.js';
import { notifierMode } from '../../src/notifications/setup.js';

const now = new Date('2026-11-30T03:00:00Z');
const policy = { maxAttempts: 3, retrySeconds: 30, claimSeconds: 60 };

describe('delivery rules', () => {
  it('production refuses the development notifier and delivers by default; elsewhere dev is the default', () => {
    expect(() => notifierMode({ NODE_ENV: 'production', NOTIFIER: 'dev' })).toThrow(/refused in production/);
    expect(notifierMode({ NODE_ENV: 'production', NOTIFIER: undefined })).toBe('deliver');
    expect(notifierMode({ NODE_ENV: 'development', NOTIFIER: undefined })).toBe('dev');
    expect(notifierMode({ NODE_ENV: 'test', NOTIFIER: 'deliver' })).toBe('deliver');
  });

  it('a temporary failure is retried after 30 s, then 60 s, and given up after the last attempt', () => {
    expect(afterFailure({ attempts: 1, expiresAt: null }, false, now, policy)).toEqual(new Date(now.getTime() + 30_000));
    expect(afterFailure({ attempts: 2, expiresAt: null }, false, now, policy)).toEqual(new Date(now.getTime() + 60_000));
    expect(afterFailure({ attempts: 3, expiresAt: null }, false, now, policy)).toBe('failed');
  });

  it('a permanent refusal fails at once; a retry that would come after the code expires is expired instead', () => {
    expect(afterFailure({ attempts: 1, expiresAt: null }, true, now, policy)).toBe('failed');
    expect(afterFailure({ attempts: 1, expiresAt: new Date(now.getTime() + 10_000) }, false, now, policy)).toBe('expired');
  });

  it('codes expire with the code; other messages do not; an expired or emptied message is not sent', () => {
    expect(messageExpiry('registration-code', now, 10)).toEqual(new Date(now.getTime() + 600_000));
    expect(messageExpiry('account-exists', now, 10)).toBeNull();
    expect(nextStep({ expiresAt: now, payloadCiphertext: 'x', noticeId: null }, now)).toBe('expired');
    expect(nextStep({ expiresAt: null, payloadCiphertext: null, noticeId: null }, now)).toBe('expired');
    expect(nextStep({ expiresAt: null, payloadCiphertext: 'x', noticeId: null }, now)).toBe('send');
    // A notice's email copy has no payload: it is read from the notice when sent.
    expect(nextStep({ expiresAt: null, payloadCiphertext: null, noticeId: 'n' }, now)).toBe('send');
  });
});
