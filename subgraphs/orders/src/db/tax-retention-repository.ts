import { and, asc, inArray, isNotNull, isNull, lt, sql } from 'drizzle-orm';
import type { Db } from '@membership/db';
import { invoices, orders, payments, refunds, riskFlags } from './schema.js';

/**
 * The SQL of the orders.tax-retention job. At erasure an erased member's orders lose the
 * member id and the shipping address but keep, for tax, what the books and an audit may need:
 * invoice titles (company name and tax id), payment and refund references at the provider,
 * the card's last four digits and fingerprints, idempotency keys, risk flags. Once the legal
 * period is over those go too, in set-based statements per batch; the amounts, currencies,
 * lines, statuses and dates stay.
 */
export class TaxRetentionRepository {
  constructor(private readonly db: Db) {}

  /**
   * Unlinks up to `batchSize` erased members' orders placed before `cutoff` that still carry
   * links, and everything hanging off them; the number unlinked (0 when none is left).
   */
  async unlinkBatch(cutoff: Date, now: Date, batchSize = 1000): Promise<number> {
    return this.db.transaction(async (tx) => {
      const due = await tx
        .select({ id: orders.id })
        .from(orders)
        .where(and(isNotNull(orders.erasedAt), isNull(orders.taxUnlinkedAt), lt(orders.placedAt, cutoff)))
        .orderBy(asc(orders.placedAt), asc(orders.id))
        .limit(batchSize)
        .for('update', { skipLocked: true });
      if (due.length === 0) return 0;
      const ids = due.map((o) => o.id);
      await tx
        .update(payments)
        .set({
          providerReference: null,
          last4: null,
          instrumentFingerprint: null,
          deviceFingerprint: null,
          idempotencyKey: sql`'unlinked:' || ${payments.id}`,
        })
        .where(inArray(payments.orderId, ids));
      await tx
        .update(refunds)
        .set({ providerReference: null, note: null, evidence: [], decisionReason: null, idempotencyKey: sql`'unlinked:' || ${refunds.id}` })
        .where(inArray(refunds.orderId, ids));
      await tx.update(invoices).set({ memberId: null, companyName: null, taxId: null }).where(inArray(invoices.orderId, ids));
      await tx.delete(riskFlags).where(inArray(riskFlags.orderId, ids));
      // The instant of erasure is shared by all of one person's orders: only its year stays.
      await tx
        .update(orders)
        .set({
          idempotencyKey: null,
          pointsHoldId: null,
          shippingAddress: null,
          shareCode: null,
          erasedAt: sql`date_trunc('year', ${orders.erasedAt})`,
          taxUnlinkedAt: now,
        })
        .where(inArray(orders.id, ids));
      return ids.length;
    });
  }

  /**
   * Risk flags of erased members raised before the cut-off (their dedupe keys and reasons may
   * still carry the member's old id or a device); nothing the books need. The number removed.
   */
  async removeErasedMembersFlags(cutoff: Date): Promise<number> {
    const removed = await this.db
      .delete(riskFlags)
      .where(and(isNull(riskFlags.memberId), lt(riskFlags.raisedAt, cutoff)))
      .returning({ id: riskFlags.id });
    return removed.length;
  }
}
