import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { badInput } from '@membership/domain';
import { PII_CATEGORIES } from './consent-rules.js';

/**
 * A partner's name: how API keys, members' consents and its persisted-operation manifest
 * (`schema/persisted/<name>.json`) refer to it. Lower-case letters, digits and dashes, so it
 * is also a safe file name.
 */
export function validatePartnerName(raw: string): string {
  const name = raw.trim();
  if (!/^[a-z0-9][a-z0-9-]{1,62}$/.test(name))
    throw badInput(
      'A partner name is 2 to 63 lower-case letters, digits or dashes, starting with a letter or digit, e.g. acme-insurance.',
      'name',
    );
  return name;
}

export interface AgreementInput {
  legalName: string;
  agreementReference: string;
  agreementSignedAt: Date;
  agreementExpiresAt: Date;
  allowedCategories: readonly string[];
}

/** The agreement as it is stored: trimmed, dates in order, categories known and unique. */
export function validateAgreement(input: AgreementInput, now: Date): AgreementInput {
  const legalName = input.legalName.trim();
  if (legalName.length < 2 || legalName.length > 200) throw badInput('Give the partner’s legal name (2 to 200 characters).', 'legalName');
  const agreementReference = input.agreementReference.trim();
  if (!agreementReference || agreementReference.length > 100)
    throw badInput('Give the data-sharing agreement’s reference (up to 100 characters).', 'agreementReference');
  if (input.agreementSignedAt > now) throw badInput('The agreement cannot be signed in the future.', 'agreementSignedAt');
  if (input.agreementExpiresAt <= input.agreementSignedAt)
    throw badInput('The agreement must expire after it was signed.', 'agreementExpiresAt');
  if (input.agreementExpiresAt <= now)
    throw badInput('The agreement has already expired; register it with its renewed dates.', 'agreementExpiresAt');
  const unknown = input.allowedCategories.filter((c) => !(PII_CATEGORIES as readonly string[]).includes(c));
  if (unknown.length > 0) throw badInput(`Unknown kind of personal data: ${unknown.join(', ')}.`, 'allowedCategories');
  return {
    legalName,
    agreementReference,
    agreementSignedAt: input.agreementSignedAt,
    agreementExpiresAt: input.agreementExpiresAt,
    allowedCategories: [...new Set(input.allowedCategories)],
  };
}

/** Scopes a partner key may carry: what the key lets its holder do beyond reading consented data. */
export function validateKeyScopes(scopes: readonly string[]): string[] {
  const bad = scopes.filter((s) => !/^[a-z]+(:[a-z*]+)+$/.test(s));
  if (bad.length > 0) throw badInput(`Not a scope: ${bad.join(', ')} (scopes look like members:read).`, 'scopes');
  return [...new Set(scopes)];
}

const KEY_PATTERN = /^mpk_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

/** A new API key: a visible prefix (how staff and logs name it) and a secret only its hash of is kept. */
export function newApiKey(): { key: string; prefix: string; secretHash: string } {
  const prefix = randomBytes(6).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return { key: `mpk_${prefix}_${secret}`, prefix, secretHash: hashSecret(secret) };
}

// The secret is 256 random bits: a plain hash is enough, there is nothing to guess.
const hashSecret = (secret: string) => createHash('sha256').update(secret).digest('hex');

/** The prefix and secret of a key as a partner sends it, or undefined for anything else. */
export function parseApiKey(key: string): { prefix: string; secret: string } | undefined {
  const match = KEY_PATTERN.exec(key.trim());
  return match ? { prefix: match[1]!, secret: match[2]! } : undefined;
}

/** Whether `secret` is the one whose hash was stored, compared in constant time. */
export function secretMatches(secret: string, secretHash: string): boolean {
  const a = Buffer.from(hashSecret(secret), 'hex');
  const b = Buffer.from(secretHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

export interface KeyState {
  createdAt: Date;
  expiresAt: Date | null;
  revokedAt: Date | null;
}

/** Why a key no longer opens anything, or null while it does. */
export function keyRefusal(key: KeyState, now: Date): 'revoked' | 'expired' | null {
  if (key.revokedAt && key.revokedAt <= now) return 'revoked';
  if (key.expiresAt && key.expiresAt <= now) return 'expired';
  return null;
}

/** Hours a rotated key keeps working beside its replacement: long enough to deploy, never open-ended. */
export function rotationOverlapHours(requested: number | null | undefined): number {
  const hours = requested ?? 24;
  if (!Number.isInteger(hours) || hours < 0 || hours > 24 * 30)
    throw badInput('The overlap is a whole number of hours from 0 to 720.', 'overlapHours');
  return hours;
}
