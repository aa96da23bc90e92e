import { randomUUID } from 'node:crypto';
import { and, asc, countDistinct, count, eq, gt, gte, type SQL } from 'drizzle-orm';
import type { Db } from '@membership/db';
import { recordEvent } from '@membership/events';
import { conflict, notFound } from '@membership/domain';
import type { RiskFlagStatus } from '../domain/order-status.js';
import { brushing, redemptionSpike, refundSpike, sharedBy, type FlagDecision, type FlagDraft, type RiskTerms } from '../domain/risk.js';
import type { OrderRow, PaymentRow } from './orders-repository.js';
import { orders, outbox, payments, refunds, riskFlags } from './schema.js';

export type { RiskTerms } from '../domain/risk.js';
export type RiskFlagRow = typeof riskFlags.$inferSelect;

/**
 * Risk flags: raised by the checks inside the transaction that records what they look at
 * (a refund request, a payment), read and decided by staff with risk:review. A flag only
 * queues work for staff; nothing here refuses or slows a member.
 */
export class RiskRepository {
  constructor(private readonly db: Db) {}

  private async raise(flags: readonly (FlagDraft | null)[], now: Date): Promise<void> {
    const raised = flags.filter((f): f is FlagDraft => f !== null);
    if (raised.length === 0) return;
    await this.db
      .insert(riskFlags)
      .values(raised.map((f) => ({ ...f, id: randomUUID(), status: 'OPEN' as const, raisedAt: now })))
      .onConflictDoNothing({ target: riskFlags.dedupeKey });
  }

  /** After a refund request: many requests in a short time, or a whole order asked back right after paying. */
  async afterRefundRequest(
    refund: { memberId: string | null; lines: unknown[] },
    order: OrderRow,
    now: Date,
    terms: RiskTerms,
  ): Promise<void> {
    if (!refund.memberId) return;
    const since = new Date(now.getTime() - terms.refundSpikeHours * 3_600_000);
    const [recent] = await this.db
      .select({ n: count() })
      .from(refunds)
      .where(and(eq(refunds.memberId, refund.memberId), gte(refunds.requestedAt, since)));
    await this.raise(
      [
        refundSpike(refund.memberId, Number(recent?.n ?? 0), terms, now),
        brushing({ id: order.id, memberId: refund.memberId, paidAt: order.paidAt }, refund.lines.length === 0, terms, now),
      ],
      now,
    );
  }

  /** After a successful payment: how many accounts paid with the same card, or from the same device; points redeemed in a burst. */
  async afterPayment(payment: PaymentRow, now: Date, terms: RiskTerms): Promise<void> {
    if (!payment.memberId) return;
    const accountsWith = async (where: SQL) => {
      const [row] = await this.db
        .select({ n: countDistinct(payments.memberId) })
        .from(payments)
        .where(and(where, eq(payments.status, 'SUCCEEDED')));
      return Number(row?.n ?? 0);
    };
    const flags: (FlagDraft | null)[] = [];
    if (payment.instrumentFingerprint) {
      const n = await accountsWith(eq(payments.instrumentFingerprint, payment.instrumentFingerprint));
      flags.push(sharedBy('SHARED_INSTRUMENT', payment.instrumentFingerprint, n, payment.memberId, payment.orderId, terms));
    }
    if (payment.deviceFingerprint) {
      const n = await accountsWith(eq(payments.deviceFingerprint, payment.deviceFingerprint));
      flags.push(sharedBy('SHARED_DEVICE', payment.deviceFingerprint, n, payment.memberId, payment.orderId, terms));
    }
    const since = new Date(now.getTime() - terms.refundSpikeHours * 3_600_000);
    const [redeemed] = await this.db
      .select({ n: count() })
      .from(orders)
      .where(and(eq(orders.memberId, payment.memberId), gt(orders.pointsUsed, 0), gte(orders.paidAt, since)));
    flags.push(redemptionSpike(payment.memberId, Number(redeemed?.n ?? 0), terms, now));
    await this.raise(flags, now);
  }

  /** Flags in one status, oldest first: the review queue. */
  async list(status: RiskFlagStatus, first: number): Promise<RiskFlagRow[]> {
    return this.db
      .select()
      .from(riskFlags)
      .where(eq(riskFlags.status, status))
      .orderBy(asc(riskFlags.raisedAt), asc(riskFlags.id))
      .limit(first);
  }

  /**
   * Staff decide an open flag: dismiss it, or open a moderation case about the member
   * (ModerationCaseRequested, in the same transaction). Deciding twice is refused.
   */
  async decide(id: string, decision: FlagDecision, note: string, staffId: string, now: Date): Promise<RiskFlagRow> {
    return this.db.transaction(async (t) => {
      const tx = t as unknown as Db;
      const [flag] = await tx.select().from(riskFlags).where(eq(riskFlags.id, id)).for('update');
      if (!flag) throw notFound('There is no risk flag with this id.');
      if (flag.status !== 'OPEN') throw conflict(`This flag was already decided (${flag.status.toLowerCase()}).`);
      const status = decision === 'DISMISS' ? 'DISMISSED' : 'ESCALATED';
      if (decision === 'OPEN_MODERATION_CASE') {
        if (!flag.memberId) throw conflict('This flag names no member (erased), so no moderation case can be opened.');
        await recordEvent(
          tx,
          outbox,
          'ModerationCaseRequested',
          {
            requestId: flag.id,
            memberId: flag.memberId,
            source: 'orders.risk',
            kind: flag.kind,
            reason: flag.reason,
            orderId: flag.orderId,
            requestedBy: staffId,
            requestedAt: now.toISOString(),
          },
          { now },
        );
      }
      const [updated] = await tx
        .update(riskFlags)
        .set({ status, decidedBy: staffId, decisionNote: note, decidedAt: now })
        .where(eq(riskFlags.id, id))
        .returning();
      return updated!;
    });
  }
}
