import type { PiiMask } from './marks.js';

const stars = (n: number) => '*'.repeat(Math.max(1, n));

/** `+8613812345678` → `138****5678`: the national number's first 3 and last 4 digits. */
function maskPhone(value: string): string {
  const digits = value.replace(/\D/g, '');
  const national = value.startsWith('+86') ? digits.slice(2) : digits;
  if (national.length <= 7) return stars(national.length);
  return `${national.slice(0, 3)}${stars(national.length - 7)}${national.slice(-4)}`;
}

/** `zhang@example.com` → `z***@example.com`. */
function maskEmail(value: string): string {
  const at = value.lastIndexOf('@');
  if (at < 1) return stars(3);
  return `${value[0]}***${value.slice(at)}`;
}

/** ID numbers keep their first 3 and last 4 characters. */
function maskIdNumber(value: string): string {
  if (value.length <= 7) return stars(value.length);
  return `${value.slice(0, 3)}${stars(value.length - 7)}${value.slice(-4)}`;
}

/** Names keep their first character: `张三丰` → `张**`. */
function maskName(value: string): string {
  const chars = [...value];
  return `${chars[0] ?? ''}${stars(chars.length - 1)}`;
}

/** Masks a PII value (or each value of a list) the way its mark says. */
export function maskValue(mask: PiiMask, value: unknown): unknown {
  if (value === null || value === undefined) return value;
  if (Array.isArray(value)) return value.map((v) => maskValue(mask, v));
  if (typeof value !== 'string') return null;
  switch (mask) {
    case 'PHONE':
      return maskPhone(value);
    case 'EMAIL':
      return maskEmail(value);
    case 'ID_NUMBER':
      return maskIdNumber(value);
    case 'NAME':
      return maskName(value);
    case 'REDACT':
      return stars(8);
  }
}
