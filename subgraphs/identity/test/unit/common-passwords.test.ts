import { describe, expect, it } from 'vitest';
import { DomainError } from '@membership/subgraph';
import { COMMON_PASSWORDS } from '../../src/domain/common-passwords.js';
import { checkPassword } from '../../src/domain/password-policy.js';

const refusal = (password: string): string => {
  try {
    checkPassword(password);
  } catch (e) {
    return e instanceof DomainError ? `${e.code}: ${e.message}` : String(e);
  }
  return 'ok';
};

describe('common passwords', () => {
  it('the list holds at least the thousand most common passwords, lower-cased', () => {
    expect(COMMON_PASSWORDS.size).toBeGreaterThanOrEqual(1000);
    for (const p of COMMON_PASSWORDS) expect(p).toBe(p.toLowerCase());
    for (const p of ['123456', 'password', 'qwerty', '123456789', 'iloveyou', 'abc123', 'monkey', 'dragon', '1qaz2wsx', 'trustno1']) {
      expect(COMMON_PASSWORDS.has(p)).toBe(true);
    }
  });

  it.each([
    'Password123!',
    'P@ssw0rd123',
    'Qwerty123!',
    'Welcome@123',
    'Iloveyou123',
    'Football123',
    'Password2024',
    'Summer2024',
    '1Qaz2wsx3edc',
  ])('a member choosing the well-known %s is told it is among the most common passwords', (password) => {
    expect(refusal(password)).toBe('BAD_USER_INPUT: Choose another password: it is among the most common passwords.');
  });

  it('a long password of three character classes that is on no list is accepted', () => {
    expect(refusal('Harbour-lights-42')).toBe('ok');
    expect(refusal('Lantern-river-77')).toBe('ok');
  });
});
