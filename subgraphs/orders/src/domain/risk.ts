import { badInput } from '@membership/domain';

/** The thresholds the risk checks use (orders' env.ts). */
export interface RiskTerms {
  refundSpikeCount: number;
  refundSpikeHours: number;
  brushingMinutes: number;
  sharedAccounts: number;
}

/** A flag the checks want raised: what kind, about whom, why, and its key (one open flag per key). */
export interface FlagDraft {
  kind: 'REFUND_SPIKE' | 'BRUSHING' | 'SHARED_INSTRUMENT' | 'SHARED_DEVICE' | 'REDEMPTION_SPIKE';
  memberId: string | null;
  orderId: string | null;
  reason: string;
  dedupeKey: string;
}

/** Many refund requests by one member in a short time. */
export function refundSpike(memberId: string, recent: number, terms: RiskTerms, now: Date): FlagDraft | null {
  if (recent < terms.refundSpikeCount) return null;
  return {
    kind: 'REFUND_SPIKE',
    memberId,
    orderId: null,
    reason: `${recent} refund requests in the last ${terms.refundSpikeHours} h (flagged from ${terms.refundSpikeCount}).`,
    // One flag per member per day, however many more requests follow.
    dedupeKey: `REFUND_SPIKE:${memberId}:${now.toISOString().slice(0, 10)}`,
  };
}

/**
 * A whole order asked back soon after paying with points spent on it, or any whole-order
 * refund within minutes of paying: buying to earn or move points, not to keep the goods.
 */
export function brushing(
  order: { id: string; memberId: string; paidAt: Date | null },
  wholeOrder: boolean,
  terms: RiskTerms,
  now: Date,
): FlagDraft | null {
  if (!wholeOrder || !order.paidAt) return null;
  const minutes = (now.getTime() - order.paidAt.getTime()) / 60_000;
  if (minutes > terms.brushingMinutes) return null;
  return {
    kind: 'BRUSHING',
    memberId: order.memberId,
    orderId: order.id,
    reason: `Whole order asked back ${Math.round(minutes)} min after paying (flagged within ${terms.brushingMinutes} min).`,
    dedupeKey: `BRUSHING:${order.id}`,
  };
}

/** Many orders paid partly with points by one member in a short time (same window and count as refunds). */
export function redemptionSpike(memberId: string, recent: number, terms: RiskTerms, now: Date): FlagDraft | null {
  if (recent < terms.refundSpikeCount) return null;
  return {
    kind: 'REDEMPTION_SPIKE',
    memberId,
    orderId: null,
    reason: `${recent} orders paid with points in the last ${terms.refundSpikeHours} h (flagged from ${terms.refundSpikeCount}).`,
    dedupeKey: `REDEMPTION_SPIKE:${memberId}:${now.toISOString().slice(0, 10)}`,
  };
}

/** Many accounts paying with one card or from one device. */
export function sharedBy(
  kind: 'SHARED_INSTRUMENT' | 'SHARED_DEVICE',
  fingerprint: string,
  accounts: number,
  memberId: string,
  orderId: string,
  terms: RiskTerms,
): FlagDraft | null {
  if (accounts < terms.sharedAccounts) return null;
  const what = kind === 'SHARED_INSTRUMENT' ? 'card' : 'device';
  return {
    kind,
    memberId,
    orderId,
    reason: `${accounts} accounts have paid with this ${what} (flagged from ${terms.sharedAccounts}).`,
    // One flag per account on the shared card or device.
    dedupeKey: `${kind}:${fingerprint}:${memberId}`,
  };
}

/** What staff decide on a flag: nothing to do, or open a moderation case. */
export type FlagDecision = 'DISMISS' | 'OPEN_MODERATION_CASE';

/** Checks a decision's note: staff say why, in a few words. */
export function decisionNote(raw: string): string {
  const note = raw.trim();
  if (!note || note.length > 1000) throw badInput('Say why, in 1 to 1000 characters.', 'note');
  return note;
}
