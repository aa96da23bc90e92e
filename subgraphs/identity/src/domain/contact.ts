import { badInput } from '@membership/domain';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]{2,}$/;

/** Lower-cases and checks an email address; throws BAD_USER_INPUT naming the field. */
export function normaliseEmail(raw: string): string {
  const email = raw.trim().toLowerCase();
  if (email.length > 254 || !EMAIL.test(email)) throw badInput(`"${raw}" is not an email address.`, 'email');
  return email;
}

/**
 * Turns a phone number into E.164. Accepts +<country><number> with 8 to 15 digits, or
 * an 11-digit mainland China mobile number (1xx xxxx xxxx), which gets +86.
 */
export function normalisePhone(raw: string): string {
  const compact = raw.replace(/[\s\-().]/g, '');
  if (/^1[3-9]\d{9}$/.test(compact)) return `+86${compact}`;
  if (/^\+[1-9]\d{7,14}$/.test(compact)) return compact;
  throw badInput(`"${raw}" is not a phone number. Use +<country code><number>, e.g. +8613812345678.`, 'phone');
}

/** Decides whether a sign-in name is an email or a phone number. */
export function parseLogin(raw: string): { email: string } | { phone: string } {
  if (raw.includes('@')) return { email: normaliseEmail(raw) };
  try {
    return { phone: normalisePhone(raw) };
  } catch {
    throw badInput('Sign in with the email address or phone number you registered with.', 'login');
  }
}

export function validateDisplayName(raw: string): string {
  const name = raw.trim();
  if (name.length < 1 || name.length > 64) throw badInput('Display name must be 1 to 64 characters.', 'displayName');
  return name;
}
