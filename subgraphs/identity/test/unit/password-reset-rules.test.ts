import { describe, expect, it } from 'vitest';
import { TEST_ENV } from '@membership/testing';
import { requestPasswordReset, type PasswordResetRequestDeps } from '../../src/domain/accounts.js';
import { MemoryRateCounter } from '../../src/rate-counter.js';
import { createKeyRing } from '../../src/domain/encryption.js';
import type { Notification } from '../../src/domain/notifier.js';
import type { Member, PasswordResetCodeRow } from '../../src/domain/records.js';
import { EMPTY_PROFILE } from '../../src/domain/profile-fields.js';
import {
  RESET_CODE_MESSAGES,
  resetCodeMessage,
  resetCodeRow,
  wrongResetCodeMessage,
  type ResetCodePolicy,
} from '../../src/domain/password-reset.js';
import { loadIdentityEnv } from '../../src/env.js';

const NOW = new Date('2026-11-29T10:00:00Z');
const policy: ResetCodePolicy = { ttlMinutes: 10, maxAttempts: 5, resendSeconds: 60 };

describe('password reset codes', () => {
  it('a new code is kept only as a hash of its id, expires after the policy lifetime and has no attempts yet', () => {
    const row = resetCodeRow('member-1', 'email', (id) => `hash-of-${id}`, NOW, policy);
    expect(row).toMatchObject({ memberId: 'member-1', channel: 'email', codeHash: `hash-of-${row.id}`, attempts: 0, consumedAt: null });
    expect(row.expiresAt.getTime() - NOW.getTime()).toBe(10 * 60_000);
  });

  it('a wrong code says how many tries are left, and the last one says to ask again', () => {
    expect(wrongResetCodeMessage(1, policy)).toMatch(/4 attempts left/);
    expect(wrongResetCodeMessage(4, policy)).toMatch(/1 attempt left/);
    expect(wrongResetCodeMessage(5, policy)).toMatch(/last attempt/);
  });

  it('the message carries the code and says how long it lasts', () => {
    expect(resetCodeMessage('en', '012345', policy)).toMatch(/012345.*10 minutes/);
    expect(resetCodeMessage('zh-CN', '012345', policy)).toMatch(/012345.*10 分钟/);
  });

  it('the refusal for no code never mentions whether an account exists', () => {
    expect(RESET_CODE_MESSAGES.none).not.toMatch(/account/i);
  });
});

describe('asking for a password reset', () => {
  const ring = createKeyRing(loadIdentityEnv({ ...TEST_ENV }));
  const ana: Member = {
    id: 'member-1',
    displayName: 'Ana',
    email: 'ana@example.com',
    phone: null,
    profile: EMPTY_PROFILE,
    passwordHash: 'unused',
    passwordChangedAt: null,
    failedLogins: 0,
    lockedUntil: null,
    lockCount: 0,
    emailVerifiedAt: null,
    phoneVerifiedAt: null,
    registeredAt: NOW,
    erasedAt: null,
    language: 'en',
    serviceEmails: true,
  };
  function deps(known: boolean) {
    const sent: Notification[] = [];
    const codes: PasswordResetCodeRow[] = [];
    const accounts: PasswordResetRequestDeps = {
      members: { byLogin: async () => (known ? ana : undefined) },
      passwordReset: {
        codes: {
          latest: async () => codes.at(-1),
          create: async (row: PasswordResetCodeRow) => void codes.push(row),
        },
      },
      registration: {
        notifier: { send: async (n: Notification) => void sent.push(n) },
        policy: { ...policy, required: false },
        counter: new MemoryRateCounter(),
        limits: {
          perContact: { limit: 5, windowSeconds: 3600 },
          perAddress: { limit: 20, windowSeconds: 3600 },
          global: { limit: 300, windowSeconds: 60 },
        },
      },
      ring,
      now: () => NOW,
    };
    return { accounts, sent, codes };
  }

  it('Ana, who has an account, and a stranger with an unknown email get the same answer; only Ana is sent a code', async () => {
    const ana = deps(true);
    const stranger = deps(false);
    const forAna = await requestPasswordReset(ana.accounts, 'ana@example.com');
    const forStranger = await requestPasswordReset(stranger.accounts, 'ana@example.com');
    expect(forStranger).toEqual(forAna);
    expect(ana.sent).toHaveLength(1);
    expect(ana.sent[0]).toMatchObject({ channel: 'email', to: 'ana@example.com', template: 'password-reset-code' });
    expect(stranger.sent).toHaveLength(0);
    expect(stranger.codes).toHaveLength(0);
  });

  it('the sixth reset asked in an hour for one login is RATE_LIMITED whether or not it has an account, with the same message', async () => {
    const refusals = [];
    for (const known of [true, false]) {
      const { accounts } = deps(known);
      for (let i = 0; i < 5; i++) await requestPasswordReset(accounts, 'ana@example.com', '10.0.0.1');
      refusals.push(await requestPasswordReset(accounts, 'ana@example.com', '10.0.0.1').catch((error: unknown) => error));
    }
    expect(refusals[0]).toMatchObject({ code: 'RATE_LIMITED', details: { retryAfterSeconds: expect.any(Number) } });
    expect((refusals[1] as Error).message).toBe((refusals[0] as Error).message);
  });

  it('Ana asking again within the resend delay gets the same answer but no second code', async () => {
    const ana = deps(true);
    const first = await requestPasswordReset(ana.accounts, 'ana@example.com');
    const second = await requestPasswordReset(ana.accounts, 'ana@example.com');
    expect(second).toEqual(first);
    expect(ana.sent).toHaveLength(1);
    expect(ana.codes).toHaveLength(1);
  });
});
