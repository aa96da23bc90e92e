import { describe, expect, it } from 'vitest';
import { DomainError } from '@membership/domain';
import { applyDelta, credit, WELCOME_POINTS, welcomeKey } from '../../src/domain/balance.js';

const codeOf = (work: () => unknown) => {
  try {
    work();
  } catch (error) {
    return error instanceof DomainError ? error.code : 'not a DomainError';
  }
  return 'no error';
};

describe('crediting points', () => {
  it('adds a positive whole number of points to the balance', () => {
    expect(credit(0, WELCOME_POINTS)).toBe(100);
    expect(credit(270, 5)).toBe(275);
  });

  it('refuses a credit of zero, a negative credit or a fraction of a point', () => {
    expect(codeOf(() => credit(10, 0))).toBe('BAD_USER_INPUT');
    expect(codeOf(() => credit(10, -5))).toBe('BAD_USER_INPUT');
    expect(codeOf(() => credit(10, 1.5))).toBe('BAD_USER_INPUT');
  });

  it('welcomes every member with 100 points under a key that names the member', () => {
    expect(WELCOME_POINTS).toBe(100);
    expect(welcomeKey('m-1')).toBe('welcome:m-1');
    expect(welcomeKey('m-1')).not.toBe(welcomeKey('m-2'));
  });
});

describe('changing a balance', () => {
  it('takes points away down to exactly zero', () => {
    expect(applyDelta(30, -30)).toBe(0);
    expect(applyDelta(100, -30)).toBe(70);
  });

  it('never lets the balance go below zero, and says by how much it would', () => {
    expect(codeOf(() => applyDelta(20, -21))).toBe('INSUFFICIENT_POINTS');
    expect(() => applyDelta(20, -21)).toThrow('The balance is 20 points; 21 are needed.');
  });

  it('refuses a change of zero or a fraction of a point', () => {
    expect(codeOf(() => applyDelta(20, 0))).toBe('BAD_USER_INPUT');
    expect(codeOf(() => applyDelta(20, -0.5))).toBe('BAD_USER_INPUT');
  });
});
