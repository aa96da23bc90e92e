import { randomUUID } from 'node:crypto';
import type { Db } from '@membership/db';
import { badInput, conflict, notFound } from '@membership/domain';
import type { ModuleInit, SubgraphModuleOptions } from '@membership/subgraph';
import { viewerSigner } from '@membership/viewer';
import { OrdersRepository, type OrderRow, type OrderTerms, type Settled } from './db/orders-repository.js';
import { RefundsRepository, type RefundRow } from './db/refunds-repository.js';
import type { OrdersScope } from './domain/access.js';
import { amountDue, checkout, idempotencyKey, type CheckoutDraft, type PointsHolds } from './domain/checkout.js';
import { nextStatus, type OrderAction } from './domain/order-state.js';
import type { InvoiceKind } from './domain/order-status.js';
import { chargeWithin, last4, verifyCallback, type PaymentCallback, type PaymentProvider } from './domain/payments.js';
import { approvedAmount, autoApproves, refundDraft, type RefundDraft } from './domain/refunds.js';
import type { OrdersEnv } from './env.js';
import { DevelopmentPaymentProvider } from './payments/development-provider.js';
import { createPointsClient } from './points-client.js';

const DEFAULT_POINTS_URL = 'http://127.0.0.1:4103/graphql';

/** What orders can be given beyond every subgraph's options (tests pass their own ports). */
export interface OrdersOptions extends SubgraphModuleOptions {
  /** Holds points for offsets; defaults to a signed call to points at POINTS_URL. */
  points?: PointsHolds;
  /** Charges and refunds; defaults to PAYMENT_PROVIDER (the development provider). */
  paymentProvider?: PaymentProvider;
}

/** What orders runs with, decided once at start. */
export interface OrdersSettings {
  db: Db;
  now: () => Date;
  points: PointsHolds;
  provider: PaymentProvider;
  terms: OrderTerms;
  paymentTimeoutMs: number;
  autoApproveMax: number;
  webhookSecret: string;
}

/** Built once per module instance (defineSubgraph's `setup`). */
export function ordersSettings({ env, db, now, options }: ModuleInit<OrdersEnv, OrdersOptions>): OrdersSettings {
  const signer = viewerSigner('orders', env.ORDERS_SIGNING_KEY);
  return {
    db,
    now,
    // The host may learn where points listens only after orders was built (tests, random ports).
    points:
      options.points ??
      createPointsClient(signer, () => env.POINTS_URL ?? options.serverUrls?.points ?? DEFAULT_POINTS_URL, env.POINTS_TIMEOUT_MS),
    provider: options.paymentProvider ?? new DevelopmentPaymentProvider(),
    terms: {
      paymentDeadlineMinutes: env.PAYMENT_DEADLINE_MINUTES,
      returnWindowDays: env.RETURN_WINDOW_DAYS,
      risk: {
        refundSpikeCount: env.RISK_REFUND_SPIKE_COUNT,
        refundSpikeHours: env.RISK_REFUND_SPIKE_HOURS,
        brushingMinutes: env.RISK_BRUSHING_MINUTES,
        sharedAccounts: env.RISK_SHARED_ACCOUNTS,
      },
    },
    paymentTimeoutMs: env.PAYMENT_TIMEOUT_MS,
    autoApproveMax: env.REFUND_AUTO_APPROVE_MAX,
    webhookSecret: env.PAYMENT_WEBHOOK_SECRET,
  };
}

/**
 * Orders' use cases: checkout, payment, cancellation, refunds and invoices, each over the
 * request's scoped repositories and the ports (points, payment provider). External calls
 * happen outside transactions; every state change is one transaction in a repository.
 */
export function ordersServices(settings: OrdersSettings, scope: OrdersScope) {
  const orders = new OrdersRepository(settings.db, scope);
  const refunds = new RefundsRepository(settings.db, scope);

  /** Pays back an approved refund by the route the order was paid, then completes it. */
  async function payBack(
    refundId: string,
    approve: (requested: number) => number,
    decidedBy: string,
    reason: string | null,
  ): Promise<RefundRow> {
    const reserved = await refunds.approve(refundId, approve, decidedBy, reason, settings.now());
    // Already approved by someone else (being paid back, or paid back): never pay it back twice.
    if (!reserved.reserved) return reserved.refund;
    const amount = reserved.refund.approvedAmount ?? 0;
    let reference: string | null = null;
    const payment = reserved.payment;
    if (amount > 0 && payment?.method === 'ONLINE') {
      if (!payment.providerReference) throw conflict('The payment has no provider reference to refund against; refund it offline.');
      try {
        ({ reference } = await settings.provider.refund({
          refundId,
          paymentReference: payment.providerReference,
          amount,
          currency: reserved.order.currency,
        }));
      } catch {
        await refunds.release(refundId);
        throw conflict('The payment provider did not take the refund; the request is open again. Try approving it later.');
      }
    } else if (payment?.method === 'OFFLINE') {
      // Offline payments go back offline: the reference is the one staff recorded the payment with.
      reference = payment.providerReference;
    }
    return refunds.complete(refundId, reference, settings.now());
  }

  return {
    orders,
    refunds,

    /**
     * Places a member's order: validated, its points offset held through points (keyed on
     * the order, so a replay reuses the hold), then stored. A replay returns the order.
     */
    async placeOrder(memberId: string, draft: Omit<CheckoutDraft, 'memberId'>): Promise<OrderRow> {
      const order = checkout({ ...draft, memberId });
      const existing = await orders.byIdempotencyKey(memberId, order.idempotencyKey);
      if (existing) return existing;
      const hold =
        order.pointsToUse > 0
          ? await settings.points.hold({
              memberId,
              orderId: order.id,
              points: order.pointsToUse,
              orderAmount: order.amountBeforePoints,
              currency: order.currency,
              idempotencyKey: `order:${order.id}`,
            })
          : null;
      const due = amountDue(order, hold);
      return (await orders.insertPlacedOrder(order, hold, due, settings.now(), settings.terms)).order;
    },

    /**
     * Pays a placed order online (through the provider, given up after PAYMENT_TIMEOUT_MS
     * and left PENDING for the callback) or with points alone. A replayed key returns the
     * first attempt without charging again.
     */
    async payOrder(input: {
      orderId: string;
      method: 'ONLINE' | 'POINTS';
      paymentToken: string | null;
      deviceFingerprint: string | null;
      idempotencyKey: string;
    }): Promise<Settled> {
      const key = idempotencyKey(input.idempotencyKey);
      if (input.method === 'ONLINE' && !input.paymentToken?.trim())
        throw badInput('Paying online needs the payment token from the payment form.', 'paymentToken');
      const id = randomUUID();
      const started = await orders.startPayment(
        {
          id,
          orderId: input.orderId,
          method: input.method,
          idempotencyKey: key,
          provider: input.method === 'ONLINE' ? settings.provider.name : 'points',
          deviceFingerprint: input.deviceFingerprint?.trim().slice(0, 200) || null,
          recordedBy: null,
          providerReference: null,
        },
        settings.now(),
      );
      if (!started.created) return { payment: started.payment, order: started.order };
      if (input.method === 'POINTS') {
        return orders.settlePayment(
          id,
          { status: 'SUCCEEDED', reference: null, last4: null, instrument: null },
          settings.now(),
          settings.terms,
        );
      }
      const outcome = await chargeWithin(
        settings.provider,
        {
          paymentId: id,
          orderId: started.order.id,
          amount: started.payment.amount,
          currency: started.payment.currency,
          paymentToken: input.paymentToken!.trim(),
        },
        settings.paymentTimeoutMs,
      );
      return orders.settlePayment(id, outcome, settings.now(), settings.terms);
    },

    /** Staff record money received offline for a placed order. */
    async recordOfflinePayment(staffId: string, input: { orderId: string; reference: string; idempotencyKey: string }): Promise<Settled> {
      const key = idempotencyKey(input.idempotencyKey);
      const reference = input.reference.trim();
      if (!reference || reference.length > 200)
        throw badInput('Give the receipt or transfer reference (1 to 200 characters).', 'reference');
      const id = randomUUID();
      const started = await orders.startPayment(
        {
          id,
          orderId: input.orderId,
          method: 'OFFLINE',
          idempotencyKey: key,
          provider: 'offline',
          deviceFingerprint: null,
          recordedBy: staffId,
          providerReference: reference,
        },
        settings.now(),
      );
      if (!started.created) return { payment: started.payment, order: started.order };
      return orders.settlePayment(id, { status: 'SUCCEEDED', reference, last4: null, instrument: null }, settings.now(), settings.terms);
    },

    /** The provider's callback: its signature first, then the payment settles once; repeats change nothing. */
    async paymentCallback(callback: PaymentCallback): Promise<Settled> {
      verifyCallback(callback, settings.webhookSecret);
      const card = last4(callback.last4);
      // The signature, not the caller, is the authority here: the callback may settle any order's payment.
      const all = new OrdersRepository(settings.db, { kind: 'all' });
      const payment = await all.paymentById(callback.paymentId);
      if (!payment) throw notFound('There is no payment with this id.');
      const result =
        callback.outcome === 'SUCCEEDED'
          ? ({ status: 'SUCCEEDED', reference: callback.providerReference, last4: card, instrument: null } as const)
          : ({ status: 'FAILED', reference: callback.providerReference, reason: 'declined by the provider' } as const);
      return all.settlePayment(payment.id, result, settings.now(), settings.terms);
    },

    cancelOrder: (orderId: string) => orders.cancelUnpaid(orderId, settings.now()),

    /** Staff move a paid order through shipping, delivery and completion. */
    async advanceOrder(orderId: string, step: 'SHIP' | 'DELIVER' | 'COMPLETE'): Promise<OrderRow> {
      const action: OrderAction = step === 'SHIP' ? 'ship' : step === 'DELIVER' ? 'deliver' : 'complete';
      return orders.advance(orderId, (status) => nextStatus(status, action));
    },

    /**
     * A member's refund request; approved and paid back at once when it is small enough
     * and the member is in good standing (REFUND_AUTO_APPROVE_MAX), else it waits for staff.
     */
    async requestRefund(memberId: string, orderId: string, draft: RefundDraft, key: string): Promise<RefundRow> {
      const checked = refundDraft(draft);
      const { refund, created } = await refunds.request(orderId, checked, idempotencyKey(key), settings.now(), settings.terms.risk);
      if (!created || refund.status !== 'REQUESTED') return refund;
      const good = await refunds.inGoodStanding(memberId, settings.now());
      if (!autoApproves(refund.amount, settings.autoApproveMax, good)) return refund;
      try {
        return await payBack(refund.id, (requested) => requested, 'auto', null);
      } catch {
        // The request stands; staff decide it (the provider or a concurrent refund got in the way).
        return (await refunds.byIds([refund.id])).get(refund.id) ?? refund;
      }
    },

    approveRefund: (staffId: string, refundId: string, amount: number | null, reason: string | null) =>
      payBack(refundId, (requested) => approvedAmount(requested, amount), staffId, reason?.trim() || null),

    async rejectRefund(staffId: string, refundId: string, reason: string): Promise<RefundRow> {
      const why = reason.trim();
      if (!why || why.length > 500) throw badInput('Say why, in 1 to 500 characters: the member reads it.', 'reason');
      return refunds.reject(refundId, why, staffId, settings.now());
    },

    async requestInvoice(orderId: string, kind: InvoiceKind, companyName: string | null, taxId: string | null) {
      const company = companyName?.trim() || null;
      const tax = taxId?.trim() || null;
      if (kind === 'COMPANY' && (!company || !tax))
        throw badInput('A company invoice needs the company name and its tax id.', company ? 'taxId' : 'companyName');
      if (kind === 'PERSON' && (company || tax))
        throw badInput('A personal invoice has no company name or tax id; ask for a COMPANY invoice instead.', 'kind');
      if (tax && !/^[0-9A-Z-]{6,30}$/i.test(tax)) throw badInput('The tax id is 6 to 30 letters, digits or dashes.', 'taxId');
      return orders.issueInvoice(orderId, { kind, companyName: company, taxId: tax }, settings.now());
    },

    /** Reviews the member's own paid order: a rating from 1 to 5 and an optional comment of up to 1000 characters. */
    async reviewOrder(orderId: string, rating: number, comment: string | null) {
      if (!Number.isInteger(rating) || rating < 1 || rating > 5)
        throw badInput('Rate the order with a whole number from 1 to 5.', 'rating');
      const words = comment?.trim() || null;
      if (words && words.length > 1000) throw badInput('Keep the comment to 1000 characters.', 'comment');
      return orders.reviewOrder(orderId, { rating, comment: words }, settings.now());
    },
  };
}

export type OrdersServices = ReturnType<typeof ordersServices>;
