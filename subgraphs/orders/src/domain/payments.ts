import { createHmac, timingSafeEqual } from 'node:crypto';
import { badInput, forbidden } from '@membership/domain';

/** What orders asks a payment provider to charge; `paymentId` is the provider's idempotency key. */
export interface ChargeRequest {
  paymentId: string;
  orderId: string;
  amount: number;
  currency: string;
  /** The provider's token for the card or wallet the member chose (never card numbers). */
  paymentToken: string;
}

/**
 * What the provider answered. Only `reference` and `last4` are kept; `instrument` is the
 * provider's opaque fingerprint of the card, used only to see many accounts on one card.
 */
export type ChargeOutcome =
  | { status: 'SUCCEEDED'; reference: string; last4: string | null; instrument: string | null }
  | { status: 'FAILED'; reference: string | null; reason: string }
  | { status: 'PENDING'; reference: string | null };

/** What orders asks the provider to pay back, on the payment it charged. */
export interface RefundRequest {
  refundId: string;
  paymentReference: string;
  amount: number;
  currency: string;
}

/**
 * A payment provider (a port): charges a token, pays money back on a charge it made, and
 * signs the callbacks it sends for charges it finishes later.
 */
export interface PaymentProvider {
  readonly name: string;
  charge(request: ChargeRequest, signal: AbortSignal): Promise<ChargeOutcome>;
  refund(request: RefundRequest): Promise<{ reference: string }>;
}

/**
 * Charges through `provider`, giving up after `timeoutMs`: a provider that does not answer
 * leaves the payment PENDING, to be settled by its signed callback (or the deadline job).
 */
export async function chargeWithin(provider: PaymentProvider, request: ChargeRequest, timeoutMs: number): Promise<ChargeOutcome> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<ChargeOutcome>((resolve) => {
    timer = setTimeout(() => {
      controller.abort();
      resolve({ status: 'PENDING', reference: null });
    }, timeoutMs);
  });
  try {
    return await Promise.race([provider.charge(request, controller.signal), timeout]);
  } catch (error) {
    if (controller.signal.aborted) return { status: 'PENDING', reference: null };
    // A provider that errors has not charged: the member may try again.
    return { status: 'FAILED', reference: null, reason: error instanceof Error ? error.message : 'the provider failed' };
  } finally {
    clearTimeout(timer);
  }
}

/** A provider's callback about a charge: which payment, what came of it, and its signature. */
export interface PaymentCallback {
  paymentId: string;
  providerReference: string;
  outcome: 'SUCCEEDED' | 'FAILED';
  last4: string | null;
  signature: string;
}

/** The text a callback's signature covers: every field that changes what orders does with it. */
const callbackSigningText = (c: Omit<PaymentCallback, 'signature'>): string =>
  [c.paymentId, c.providerReference, c.outcome, c.last4 ?? ''].join('\n');

/** HMAC-SHA256 of the callback's fields with the provider's webhook secret, in hex. */
export const signCallback = (c: Omit<PaymentCallback, 'signature'>, secret: string): string =>
  createHmac('sha256', secret).update(callbackSigningText(c)).digest('hex');

/** Refuses a callback whose signature is not the provider's (FORBIDDEN), compared in constant time. */
export function verifyCallback(callback: PaymentCallback, secret: string): void {
  const expected = Buffer.from(signCallback(callback, secret), 'hex');
  const given = /^[0-9a-f]+$/i.test(callback.signature) ? Buffer.from(callback.signature, 'hex') : Buffer.alloc(0);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw forbidden('This payment callback is not signed by the payment provider.');
  }
}

/** Last four digits as the provider gives them; anything else is not stored. */
export function last4(raw: string | null): string | null {
  if (raw === null) return null;
  if (!/^[0-9]{4}$/.test(raw)) throw badInput('last4 must be the last four digits of the card.', 'last4');
  return raw;
}
