import { createHash } from 'node:crypto';
import type { ChargeOutcome, ChargeRequest, PaymentProvider, RefundRequest } from '../domain/payments.js';

/**
 * The development payment provider: what it does depends on the token, so tests and demos
 * can ask for each outcome.
 *
 * - `tok_ok_4242` (any four digits): succeeds; the card ends in those digits.
 * - `tok_fail` (or `tok_fail_<why>`): declined.
 * - `tok_timeout`: never answers (orders gives up after PAYMENT_TIMEOUT_MS).
 * - `tok_pending`: accepted, finished later by a signed callback.
 *
 * Its references are `dev_<paymentId>`, so charging one payment twice is one charge.
 */
export class DevelopmentPaymentProvider implements PaymentProvider {
  readonly name = 'development';

  async charge(request: ChargeRequest, signal: AbortSignal): Promise<ChargeOutcome> {
    const reference = `dev_${request.paymentId}`;
    const token = request.paymentToken;
    if (token === 'tok_timeout') {
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
      return { status: 'PENDING', reference: null };
    }
    if (token === 'tok_pending') return { status: 'PENDING', reference };
    if (token.startsWith('tok_fail'))
      return { status: 'FAILED', reference, reason: `the card was declined (${token.slice('tok_fail_'.length) || 'declined'})` };
    const ok = /^tok_ok_([0-9]{4})$/.exec(token);
    if (ok) {
      // Stands in for the provider's card fingerprint: the same token is the same card.
      const instrument = createHash('sha256').update(`dev-card:${token}`).digest('hex').slice(0, 32);
      return { status: 'SUCCEEDED', reference, last4: ok[1]!, instrument };
    }
    return { status: 'FAILED', reference: null, reason: 'the payment token is not one the provider issued' };
  }

  async refund(request: RefundRequest): Promise<{ reference: string }> {
    return { reference: `dev_refund_${request.refundId}` };
  }
}
