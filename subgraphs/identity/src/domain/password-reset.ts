import { translate, type Language } from '../messages/index.js';
import { randomUUID } from 'node:crypto';
import type { PasswordResetCodeRow } from './records.js';
import type { CodeRefusal, RegistrationCodePolicy } from './registration-codes.js';

/** Password reset codes follow the registration code rules: lifetime, attempts, resend delay. */
export type ResetCodePolicy = Omit<RegistrationCodePolicy, 'required'>;

/** The row for a reset code just sent; the code itself is kept only as `codeHash`. */
export function resetCodeRow(
  memberId: string,
  channel: 'email' | 'phone',
  hashCode: (id: string) => string,
  now: Date,
  policy: ResetCodePolicy,
): PasswordResetCodeRow {
  const id = randomUUID();
  return {
    id,
    memberId,
    channel,
    codeHash: hashCode(id),
    createdAt: now,
    expiresAt: new Date(now.getTime() + policy.ttlMinutes * 60_000),
    attempts: 0,
    consumedAt: null,
  };
}

/**
 * What a person is told when the code cannot be used. An unknown login gets the `none`
 * message, the same as an account with no code waiting, so the answer reveals no account.
 */
export const RESET_CODE_MESSAGES: Record<CodeRefusal, string> = {
  none: 'No password reset code is waiting for this login. Ask for one with requestPasswordReset.',
  used: 'This password reset code was already used. Ask for a new one.',
  expired: 'This password reset code has expired. Ask for a new one.',
  exhausted: 'Too many wrong codes were entered. Ask for a new password reset code.',
};

/** What a person is told after a wrong reset code. */
export function wrongResetCodeMessage(attempts: number, policy: ResetCodePolicy): string {
  const left = policy.maxAttempts - attempts;
  return left > 0
    ? `The password reset code is wrong. ${left} attempt${left === 1 ? '' : 's'} left.`
    : 'The password reset code is wrong, and that was the last attempt. Ask for a new code.';
}

/** The text of the message carrying a reset code, in the member's language. */
export function resetCodeMessage(language: Language, code: string, policy: ResetCodePolicy): string {
  return translate(language, 'message.password-reset-code.body', { code, minutes: policy.ttlMinutes });
}
