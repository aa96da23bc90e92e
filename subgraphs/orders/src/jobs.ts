import type { JobDefinition } from '@membership/jobs';
import type { Db } from '@membership/db';
import { OrdersRepository } from './db/orders-repository.js';
import { TaxRetentionRepository } from './db/tax-retention-repository.js';
import { taxRetentionCutoff } from './domain/tax-retention.js';

/**
 * Cancels orders not paid by their payment deadline (PAYMENT_DEADLINE_MINUTES), batch
 * after batch, each a set-based update with its OrderCancelled events (points releases
 * the holds) and notices. Safe to run twice: a cancelled order is not PLACED any more.
 */
export function paymentDeadlineJob(db: Db): JobDefinition {
  const repository = new OrdersRepository(db, { kind: 'all' });
  return {
    name: 'orders.payment-deadline',
    every: '1m',
    async run({ now }) {
      let cancelled = 0;
      for (;;) {
        const batch = await repository.cancelOverdue(now);
        cancelled += batch;
        if (batch === 0) break;
      }
      return { cancelled };
    },
  };
}

/**
 * Completes delivered orders once their return window (RETURN_WINDOW_DAYS after payment) is
 * over: no refund can be asked for any more, so the order is done. Orders partly refunded keep
 * their status (staff complete them); points makes an order's points available on the window's
 * end by itself. Safe to run twice: a completed order is not DELIVERED any more.
 */
export function completionJob(db: Db): JobDefinition {
  const repository = new OrdersRepository(db, { kind: 'all' });
  return {
    name: 'orders.completion',
    every: '1h',
    async run({ now }) {
      let completed = 0;
      for (;;) {
        const batch = await repository.completeDue(now);
        completed += batch;
        if (batch === 0) break;
      }
      return { completed };
    },
  };
}

/**
 * Removes every remaining link between an erased member and the orders kept for tax once the
 * legal period (ORDERS_TAX_RETENTION_YEARS, from the order's placement) is over: batch after
 * batch of set-based statements, then the erased members' old risk flags. Safe to run twice:
 * an unlinked order is marked (tax_unlinked_at) and not looked at again.
 */
export function taxRetentionJob(db: Db, years: number): JobDefinition {
  const repository = new TaxRetentionRepository(db);
  return {
    name: 'orders.tax-retention',
    every: '24h',
    async run({ now }) {
      const cutoff = taxRetentionCutoff(now, years);
      let unlinked = 0;
      for (;;) {
        const batch = await repository.unlinkBatch(cutoff, now);
        unlinked += batch;
        if (batch === 0) break;
      }
      const riskFlagsRemoved = await repository.removeErasedMembersFlags(cutoff);
      return { unlinked, riskFlagsRemoved, cutoff: cutoff.toISOString() };
    },
  };
}
