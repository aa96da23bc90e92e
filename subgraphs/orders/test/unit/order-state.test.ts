import { describe, expect, it } from 'vitest';
import { DomainError } from '@membership/domain';
import { canTransition, nextStatus, resumeStatusFor, type OrderAction } from '../../src/domain/order-state.js';
import { ORDER_STATUSES, type OrderStatus } from '../../src/domain/order-status.js';

const errorOf = (fn: () => unknown): DomainError | undefined => {
  try {
    fn();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  return undefined;
};

describe('the order state machine', () => {
  it('walks an order from placed to paid, shipped, delivered and completed', () => {
    let status: OrderStatus = 'PLACED';
    for (const [action, to] of [
      ['pay', 'PAID'],
      ['ship', 'SHIPPED'],
      ['deliver', 'DELIVERED'],
      ['complete', 'COMPLETED'],
    ] as [OrderAction, OrderStatus][]) {
      status = nextStatus(status, action);
      expect(status).toBe(to);
    }
  });

  it('cancels only a placed order, and says why a paid one cannot be cancelled', () => {
    expect(nextStatus('PLACED', 'cancel')).toBe('CANCELLED');
    for (const status of ORDER_STATUSES.filter((s) => s !== 'PLACED')) {
      const error = errorOf(() => nextStatus(status, 'cancel'));
      expect(error).toMatchObject({ code: 'CONFLICT', field: 'status' });
    }
    expect(errorOf(() => nextStatus('PAID', 'cancel'))?.message).toBe(
      'This order is paid, so it cannot be cancelled; that needs an order that is placed and not paid.',
    );
  });

  it('pays only a placed order: a cancelled or already paid order is a CONFLICT', () => {
    for (const status of ['CANCELLED', 'PAID', 'REFUNDED', 'COMPLETED'] as OrderStatus[]) {
      expect(errorOf(() => nextStatus(status, 'pay'))?.code).toBe('CONFLICT');
    }
  });

  it('takes refund requests and refunds only after payment and before the order is finished', () => {
    for (const status of ['PAID', 'SHIPPED', 'DELIVERED', 'REFUND_REQUESTED', 'PARTIALLY_REFUNDED'] as OrderStatus[]) {
      expect(nextStatus(status, 'requestRefund')).toBe('REFUND_REQUESTED');
      expect(nextStatus(status, 'refundPart')).toBe('PARTIALLY_REFUNDED');
      expect(nextStatus(status, 'refundAll')).toBe('REFUNDED');
    }
    for (const status of ['PLACED', 'CANCELLED', 'COMPLETED', 'REFUNDED'] as OrderStatus[]) {
      expect(canTransition(status, 'requestRefund')).toBe(false);
      expect(errorOf(() => nextStatus(status, 'refundPart'))?.code).toBe('CONFLICT');
    }
  });

  it('goes back to where it was when its refund requests close with nothing refunded', () => {
    expect(resumeStatusFor('SHIPPED', null)).toBe('SHIPPED');
    // A second request while one is open keeps the status to go back to.
    expect(resumeStatusFor('REFUND_REQUESTED', 'SHIPPED')).toBe('SHIPPED');
    expect(nextStatus('REFUND_REQUESTED', 'closeRefundRequests', 'SHIPPED')).toBe('SHIPPED');
    expect(nextStatus('REFUND_REQUESTED', 'closeRefundRequests', 'PARTIALLY_REFUNDED')).toBe('PARTIALLY_REFUNDED');
    expect(nextStatus('REFUND_REQUESTED', 'closeRefundRequests', null)).toBe('PAID');
    expect(errorOf(() => nextStatus('PAID', 'closeRefundRequests'))?.code).toBe('CONFLICT');
  });

  it('refuses shipping before payment, delivering before shipping, and anything after cancellation or a full refund', () => {
    expect(errorOf(() => nextStatus('PLACED', 'ship'))?.code).toBe('CONFLICT');
    expect(errorOf(() => nextStatus('PAID', 'deliver'))?.code).toBe('CONFLICT');
    for (const action of ['pay', 'ship', 'deliver', 'complete', 'requestRefund', 'refundPart', 'refundAll', 'cancel'] as OrderAction[]) {
      expect(canTransition('CANCELLED', action)).toBe(false);
      expect(canTransition('REFUNDED', action)).toBe(false);
    }
  });
});
