import { randomBytes, randomUUID } from 'node:crypto';
import type { RefreshTokenRow } from './records.js';

/** How long refresh tokens live and how they are shaped. */
export interface RefreshPolicy {
  /** A refresh token not exchanged within this many days stops working. */
  ttlDays: number;
}

/** A new opaque refresh token: 256 random bits, base64url. Only its hash is stored. */
export function newRefreshSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** The row for a freshly issued token; a new family unless it continues one. */
export function refreshTokenRow(tokenHash: string, now: Date, policy: RefreshPolicy, familyId: string = randomUUID()) {
  return {
    id: randomUUID(),
    familyId,
    tokenHash,
    issuedAt: now,
    expiresAt: new Date(now.getTime() + policy.ttlDays * 86_400_000),
  };
}

/** Why a refresh token cannot be exchanged. */
export type RefreshRefusal = 'unknown' | 'revoked' | 'reused' | 'expired';

/**
 * Why the token in `row` could not be exchanged (the conditional exchange failed). A
 * token that was already exchanged and is presented again is `reused`: someone holds a
 * copy, so the whole family must end.
 */
export function refreshRefusal(row: RefreshTokenRow | undefined, now: Date): RefreshRefusal {
  if (!row) return 'unknown';
  if (row.revokedAt) return 'revoked';
  if (row.rotatedAt) return 'reused';
  if (row.expiresAt.getTime() <= now.getTime()) return 'expired';
  // Live but not exchanged: it was exchanged or revoked between the two statements.
  return 'reused';
}

/** What a person is told for each refusal. */
export const REFRESH_MESSAGES: Record<RefreshRefusal, string> = {
  unknown: 'This refresh token is not valid. Sign in again.',
  revoked: 'This session has ended. Sign in again.',
  reused: 'This refresh token was already used, so every session from that sign-in has been ended to be safe. Sign in again.',
  expired: 'This session has expired. Sign in again.',
};
