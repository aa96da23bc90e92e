import { describe, expect, it } from 'vitest';
import { DomainError } from '@membership/domain';
import { amountDue, checkout, idFromKey, type CheckoutDraft } from '../../src/domain/checkout.js';
import { signCallback, verifyCallback } from '../../src/domain/payments.js';

const ANA = '00000000-0000-4000-8000-0000000000a1';
const draft = (overrides: Partial<CheckoutDraft> = {}): CheckoutDraft => ({
  memberId: ANA,
  idempotencyKey: 'cart-1',
  currency: 'CNY',
  lines: [
    { sku: 'TEA', title: 'Tea', quantity: 2, unitAmount: 12_800 },
    { sku: 'MUG', title: 'Mug', quantity: 1, unitAmount: 4_500 },
  ],
  discounts: [{ code: 'WELCOME', amount: 1_000 }],
  pointsToUse: 0,
  shippingAddress: '1 Demo Road',
  ...overrides,
});
const errorOf = (fn: () => unknown): DomainError | undefined => {
  try {
    fn();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  return undefined;
};

describe('checkout', () => {
  it('works out the subtotal, the discounts and what is left before points', () => {
    const order = checkout(draft());
    expect(order).toMatchObject({ subtotal: 30_100, discountAmount: 1_000, amountBeforePoints: 29_100, currency: 'CNY' });
    expect(order.lines.map((l) => l.position)).toEqual([1, 2]);
  });

  it('names the same order for the same member and key, and a different one for another member', () => {
    expect(checkout(draft()).id).toBe(checkout(draft()).id);
    expect(checkout(draft()).id).not.toBe(checkout(draft({ memberId: '00000000-0000-4000-8000-0000000000b2' })).id);
    expect(idFromKey('order', ANA, 'x')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('refuses discounts larger than the lines, negative points, an empty key and a missing address', () => {
    expect(errorOf(() => checkout(draft({ discounts: [{ code: 'X', amount: 30_101 }] })))?.field).toBe('discounts');
    expect(errorOf(() => checkout(draft({ pointsToUse: -1 })))?.field).toBe('pointsToUse');
    expect(errorOf(() => checkout(draft({ idempotencyKey: ' ' })))?.field).toBe('idempotencyKey');
    expect(errorOf(() => checkout(draft({ shippingAddress: '' })))?.field).toBe('shippingAddress');
  });

  it('takes the points discount off what is due, and refuses a points discount larger than what is left', () => {
    const order = checkout(draft());
    const hold = { id: 'h', points: 500, discountAmount: 5_000, expiresAt: new Date() };
    expect(amountDue(order, hold)).toBe(24_100);
    expect(amountDue(order, null)).toBe(29_100);
    expect(errorOf(() => amountDue(order, { ...hold, discountAmount: 29_101 }))?.code).toBe('CONFLICT');
  });
});

describe('payment callbacks', () => {
  const fields = { paymentId: 'p1', providerReference: 'dev_p1', outcome: 'SUCCEEDED' as const, last4: '4242' };
  it('accepts the provider signature and refuses a wrong one, or one over other fields', () => {
    const signature = signCallback(fields, 'secret-secret-secret-secret-secret-00');
    expect(() => verifyCallback({ ...fields, signature }, 'secret-secret-secret-secret-secret-00')).not.toThrow();
    expect(errorOf(() => verifyCallback({ ...fields, signature }, 'another-secret-another-secret-000'))?.code).toBe('FORBIDDEN');
    expect(errorOf(() => verifyCallback({ ...fields, outcome: 'FAILED', signature }, 'secret-secret-secret-secret-secret-00'))?.code).toBe(
      'FORBIDDEN',
    );
    expect(errorOf(() => verifyCallback({ ...fields, signature: 'zz' }, 'secret-secret-secret-secret-secret-00'))?.code).toBe('FORBIDDEN');
  });
});
