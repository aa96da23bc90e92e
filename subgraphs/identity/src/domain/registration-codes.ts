import { translate, type Language } from '../messages/index.js';
import { randomInt, randomUUID } from 'node:crypto';
import type { RegistrationCodeRow } from './records.js';

/** How one-time registration codes behave. */
export interface RegistrationCodePolicy {
  /** Registration without a code is refused. */
  required: boolean;
  ttlMinutes: number;
  /** Wrong codes allowed against one code. */
  maxAttempts: number;
  /** Seconds before another code may be sent to the same contact. */
  resendSeconds: number;
}

const CODE_DIGITS = 6;

/** Six random digits, leading zeros kept. */
export function newCode(): string {
  return String(randomInt(0, 10 ** CODE_DIGITS)).padStart(CODE_DIGITS, '0');
}

/** The row for a code just sent; the code itself is kept only as `codeHash`. */
export function codeRow(
  channel: 'email' | 'phone',
  contactLookup: string,
  hashCode: (id: string) => string,
  now: Date,
  policy: RegistrationCodePolicy,
): RegistrationCodeRow {
  const id = randomUUID();
  return {
    id,
    channel,
    contactLookup,
    codeHash: hashCode(id),
    createdAt: now,
    expiresAt: new Date(now.getTime() + policy.ttlMinutes * 60_000),
    attempts: 0,
    consumedAt: null,
  };
}

/** Seconds until another code may be sent to this contact; 0 when one may be sent now. */
export function secondsBeforeResend(
  latest: Pick<RegistrationCodeRow, 'createdAt' | 'consumedAt'> | undefined,
  now: Date,
  policy: RegistrationCodePolicy,
): number {
  if (!latest || latest.consumedAt) return 0;
  const wait = latest.createdAt.getTime() + policy.resendSeconds * 1000 - now.getTime();
  return Math.max(0, Math.ceil(wait / 1000));
}

/** Why the newest code for a contact cannot be used, before comparing it. */
export type CodeRefusal = 'none' | 'used' | 'expired' | 'exhausted';

export function codeRefusal(
  row: Pick<RegistrationCodeRow, 'consumedAt' | 'expiresAt' | 'attempts'> | undefined,
  now: Date,
  policy: RegistrationCodePolicy,
): CodeRefusal | null {
  if (!row) return 'none';
  if (row.consumedAt) return 'used';
  if (row.expiresAt.getTime() <= now.getTime()) return 'expired';
  if (row.attempts >= policy.maxAttempts) return 'exhausted';
  return null;
}

export const CODE_MESSAGES: Record<CodeRefusal, string> = {
  none: 'No registration code was sent to this contact. Ask for one with requestRegistrationCode.',
  used: 'This registration code was already used. Ask for a new one.',
  expired: 'This registration code has expired. Ask for a new one.',
  exhausted: 'Too many wrong codes were entered. Ask for a new code.',
};

/** What a person is told after a wrong code. */
export function wrongCodeMessage(attempts: number, policy: RegistrationCodePolicy): string {
  const left = policy.maxAttempts - attempts;
  return left > 0
    ? `The registration code is wrong. ${left} attempt${left === 1 ? '' : 's'} left.`
    : 'The registration code is wrong, and that was the last attempt. Ask for a new code.';
}

/** The text of the message carrying a code, in the recipient's language. */
export function codeMessage(language: Language, code: string, policy: RegistrationCodePolicy): string {
  return translate(language, 'message.registration-code.body', { code, minutes: policy.ttlMinutes });
}
