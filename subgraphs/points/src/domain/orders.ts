import { randomUUID } from 'node:crypto';
import { conflict, notFound } from '@membership/domain';
import type { EventCatalog, EventInput } from '@membership/events';
import { clawbackFor, offsetQuote, orderPoints } from './earning.js';
import { firstOrderRewardsIn, type ActivityStore } from './activity.js';
import { clawbackIn, earnIn, restoreIn, spendIn } from './ledger.js';
import { programmeRules, rulesInForce } from './rules.js';
import { expiryOf } from './lots.js';
import type { PointsPolicy } from './policy.js';
import { assertMaySpend, type SanctionInForce } from './standing.js';
import { shareRewardIn, taskKey, type TaskStore } from './tasks.js';

/** A points hold for an order, as points keeps it. */
export interface Hold {
  id: string;
  memberId: string;
  orderId: string | null;
  points: number;
  discountAmount: number;
  orderAmount: number;
  currency: string;
  status: 'held' | 'committed' | 'released';
  entryId: string;
  restored: number;
  idempotencyKey: string;
  createdAt: Date;
  expiresAt: Date;
  settledAt: Date | null;
}

/** What an order earned, pending or available. */
export interface OrderEarning {
  orderId: string;
  memberId: string;
  orderAmount: number;
  currency: string;
  points: number;
  tierPercent: number;
  campaignPercent: number;
  status: 'pending' | 'available' | 'cancelled';
  availableAt: Date;
  refunded: number;
  clawed: number;
  entryId: string | null;
  paidAt: Date;
}

/** Where the order rules read and write, beside the ledger (db/PointsRepository). */
export interface OrderPointsStore extends ActivityStore, TaskStore {
  transaction<T>(work: (store: OrderPointsStore) => Promise<T>): Promise<T>;
  /** Records a refund seen for the first time (true); false when it was seen before. */
  recordRefund(refund: EventCatalog['RefundCompleted'], at: Date): Promise<boolean>;
  /** Refunds of the order seen but not applied yet (they overtook its OrderPaid), oldest first, locked. */
  unappliedRefundsOf(orderId: string): Promise<{ refund: EventCatalog['RefundCompleted']; at: Date }[]>;
  markRefundApplied(refundId: string, at: Date): Promise<void>;
  holdByKey(idempotencyKey: string): Promise<Hold | undefined>;
  /** The hold, locked until the transaction ends. */
  lockHold(holdId: string): Promise<Hold | undefined>;
  /** The committed hold of an order, locked. */
  lockHoldOfOrder(orderId: string): Promise<Hold | undefined>;
  insertHold(hold: Hold): Promise<Hold>;
  updateHold(holdId: string, patch: Partial<Pick<Hold, 'status' | 'restored' | 'settledAt'>>): Promise<void>;
  sanctionsOf(memberId: string): Promise<SanctionInForce[]>;
  /** The member's tier multiplier in percent (100 when tiers has not said). */
  tierPercentOf(memberId: string): Promise<number>;
  /** The multiplier of the campaign in force at `at`, in percent (100 when none). */
  campaignPercentAt(at: Date): Promise<number>;
  lockEarning(orderId: string): Promise<OrderEarning | undefined>;
  insertEarning(earning: OrderEarning): Promise<void>;
  updateEarning(orderId: string, patch: Partial<Pick<OrderEarning, 'status' | 'refunded' | 'clawed' | 'entryId'>>): Promise<void>;
  /** The lots an entry made (an order's earn entry makes one). */
  lotIdsOfEntry(entryId: string): Promise<string[]>;
  record<T extends keyof EventInput>(type: T, payload: EventInput[T], at: Date): Promise<void>;
}

/** What orders asks for (holdPointsForOrder). */
export interface HoldRequest {
  memberId: string;
  orderId: string;
  points: number;
  orderAmount: number;
  currency: string;
  idempotencyKey: string;
}

/**
 * Reserves points for an order: checks the member's standing and the offset cap, takes the
 * points from the lots nearest expiry (recorded against the hold) and keeps the hold until
 * orders pays (commit) or cancels (release), or its time runs out. The same key returns the
 * first hold; the same key for a different request is a CONFLICT.
 */
export async function holdPointsForOrder(store: OrderPointsStore, request: HoldRequest, policy: PointsPolicy, now: Date): Promise<Hold> {
  const { discountAmount } = offsetQuote(request.points, request.orderAmount, policy.offset);
  return store.transaction(async (tx) => {
    const account = await tx.lockAccount(request.memberId);
    if (!account) throw notFound(`Member ${request.memberId} has no points account.`);
    const previous = await tx.holdByKey(request.idempotencyKey);
    if (previous) {
      if (previous.memberId !== request.memberId || previous.orderId !== request.orderId || previous.points !== request.points) {
        throw conflict('This idempotency key was already used for a different points hold; use a new key.', 'idempotencyKey');
      }
      return previous;
    }
    assertMaySpend(await tx.sanctionsOf(request.memberId), now);
    const holdId = randomUUID();
    const { entry } = await spendIn(tx, {
      memberId: request.memberId,
      points: request.points,
      reason: 'ORDER_OFFSET',
      source: 'order',
      sourceId: request.orderId,
      idempotencyKey: `hold:${request.idempotencyKey}`,
      at: now,
      holdId,
    });
    return tx.insertHold({
      id: holdId,
      memberId: request.memberId,
      orderId: request.orderId,
      points: request.points,
      discountAmount,
      orderAmount: request.orderAmount,
      currency: request.currency,
      status: 'held',
      entryId: entry.id,
      restored: 0,
      idempotencyKey: request.idempotencyKey,
      createdAt: now,
      expiresAt: new Date(now.getTime() + policy.holdTtlMs),
      settledAt: null,
    });
  });
}

/**
 * Gives a held hold's points back to the lots they came from (order cancelled, or its time
 * ran out). A hold already committed or released is left as it is. Inside the caller's transaction.
 */
export async function releaseHoldIn(tx: OrderPointsStore, memberId: string, holdId: string, at: Date): Promise<boolean> {
  // The account first, then the hold: the order every writer of holds takes (the holds job
  // locks the accounts of the holds it releases first), so two of them never deadlock.
  await tx.lockAccount(memberId);
  const hold = await tx.lockHold(holdId);
  if (!hold || hold.status !== 'held') return false;
  await restoreIn(tx, {
    memberId: hold.memberId,
    holdId,
    kind: 'reverse',
    reason: 'ORDER_OFFSET_RELEASED',
    source: 'order',
    sourceId: hold.orderId,
    idempotencyKey: `release:${holdId}`,
    at,
  });
  await tx.updateHold(holdId, { status: 'released', settledAt: at });
  return true;
}

/**
 * An order was paid: its hold (if any) is committed, and what it earns is recorded as pending
 * until its return window ends (available at once when it has none). A hold the job had
 * already released is taken again, as a clawback, since the member did get the discount.
 */
export async function orderPaidIn(tx: OrderPointsStore, paid: EventCatalog['OrderPaid'], policy: PointsPolicy): Promise<void> {
  const paidAt = new Date(paid.paidAt);
  await tx.openAccount(paid.memberId, paidAt);
  if (paid.pointsHoldId) {
    // Account before hold, as the holds job and releaseHoldIn take them (no deadlock).
    await tx.lockAccount(paid.memberId);
    const hold = await tx.lockHold(paid.pointsHoldId);
    if (hold?.status === 'held') {
      await tx.updateHold(hold.id, { status: 'committed', settledAt: paidAt });
    } else if (hold?.status === 'released') {
      await clawbackIn(tx, {
        memberId: hold.memberId,
        points: hold.points,
        reason: 'ORDER_OFFSET',
        source: 'order',
        sourceId: paid.orderId,
        idempotencyKey: `hold-retaken:${hold.id}`,
        at: paidAt,
        holdId: hold.id,
      });
      await tx.updateHold(hold.id, { status: 'committed', settledAt: paidAt });
    }
  }
  if (await tx.lockEarning(paid.orderId)) return;
  const firstOrder = (await tx.paidOrders(paid.memberId)) === 0;
  const tierPercent = await tx.tierPercentOf(paid.memberId);
  const campaignPercent = await tx.campaignPercentAt(paidAt);
  const perUnit = rulesInForce(programmeRules(await tx.earningRules(), policy.pointsPerUnit), paidAt).get('order')!.points;
  const points = orderPoints(paid.amount, perUnit, tierPercent, campaignPercent);
  const availableAt = paid.returnWindowEndsAt ? new Date(paid.returnWindowEndsAt) : paidAt;
  await tx.insertEarning({
    orderId: paid.orderId,
    memberId: paid.memberId,
    orderAmount: paid.amount,
    currency: paid.currency,
    points,
    tierPercent,
    campaignPercent,
    status: points > 0 ? 'pending' : 'cancelled',
    availableAt,
    refunded: 0,
    clawed: 0,
    entryId: null,
    paidAt,
  });
  if (points > 0 && availableAt <= paidAt) await makeAvailableIn(tx, paid.orderId, paidAt, policy);
  if (firstOrder) await firstOrderRewardsIn(tx, paid.memberId, paid.orderId, paidAt, policy);
  await shareRewardIn(tx, paid, policy);
  // Refunds that arrived before this OrderPaid take back what the order just earned, once each.
  for (const early of await tx.unappliedRefundsOf(paid.orderId))
    await applyRefundIn(tx, early.refund, early.at > paidAt ? early.at : paidAt);
}

/**
 * An order's pending points become spendable (its return window ended): an earn entry and
 * a lot for what refunds left, paying any debt first, and a notice to the member.
 */
async function makeAvailableIn(tx: OrderPointsStore, orderId: string, now: Date, policy: PointsPolicy): Promise<boolean> {
  const earning = await tx.lockEarning(orderId);
  if (!earning || earning.status !== 'pending' || earning.availableAt > now) return false;
  const points = earning.points - earning.clawed;
  if (points <= 0) {
    await tx.updateEarning(orderId, { status: 'cancelled' });
    return false;
  }
  const { entry } = await earnIn(tx, {
    memberId: earning.memberId,
    points,
    reason: 'ORDER',
    source: 'order',
    sourceId: orderId,
    idempotencyKey: `order-earn:${orderId}`,
    at: now,
    expiresAt: expiryOf(now, policy.expiry),
  });
  await tx.updateEarning(orderId, { status: 'available', entryId: entry.id });
  await tx.record(
    'MemberNoticeRequested',
    {
      memberId: earning.memberId,
      template: 'points.points_available',
      params: { points, orderNumber: orderId },
      dedupeKey: `points.points_available:${orderId}`,
    },
    now,
  );
  return true;
}

/**
 * A refund, applied once per refund id (kept for later when it overtook its order's
 * OrderPaid): what the order earned is taken back in proportion to the money refunded (pending
 * points first, simply cancelled; available points from the order's own lot first, then
 * nearest expiry, a debt for what the balance lacks), then the offset points the refund
 * returns go back to exactly the lots the order's hold used, with their original expiry.
 */
export async function refundCompletedIn(tx: OrderPointsStore, refund: EventCatalog['RefundCompleted'], at: Date): Promise<void> {
  // Once per refund id, whatever delivers it how often.
  if (!(await tx.recordRefund(refund, at))) return;
  // Every OrderPaid leaves an earning row: none means the refund overtook its OrderPaid.
  // It stays recorded, unapplied, and orderPaidIn applies it when the OrderPaid arrives.
  if (!(await tx.lockEarning(refund.orderId))) return;
  await applyRefundIn(tx, refund, at);
}

/**
 * The sharer's reward for an order placed through their share code goes back with the money,
 * in the same proportion as the order's own points (a full refund takes all of it, from the
 * reward's own lot first, a debt for what the sharer's balance lacks). What earlier refunds took
 * follows from the money refunded before this one, so nothing else is stored.
 */
async function shareClawbackIn(
  tx: OrderPointsStore,
  refund: EventCatalog['RefundCompleted'],
  money: { refundedBefore: number; orderAmount: number },
  at: Date,
): Promise<void> {
  const reward = await tx.entryByKey(taskKey('share', refund.orderId));
  if (!reward) return;
  // What the reward earned: what reached the balance and what paid off an old debt.
  const earned = reward.delta - reward.debtDelta;
  const takenBefore = clawbackFor(earned, money.refundedBefore, money.orderAmount, 0);
  const due = clawbackFor(earned, money.refundedBefore + refund.amount, money.orderAmount, takenBefore);
  if (due <= 0) return;
  await clawbackIn(tx, {
    memberId: reward.memberId,
    points: due,
    reason: 'REFUND',
    source: 'task',
    sourceId: refund.orderId,
    idempotencyKey: `share-clawback:${refund.refundId}`,
    at,
    preferredLots: await tx.lotIdsOfEntry(reward.id),
  });
}

/** Applies a recorded refund to the order's earning and hold (which exist), and marks it applied. */
async function applyRefundIn(tx: OrderPointsStore, refund: EventCatalog['RefundCompleted'], at: Date): Promise<void> {
  await tx.markRefundApplied(refund.refundId, at);
  const earning = await tx.lockEarning(refund.orderId);
  if (earning)
    await shareClawbackIn(tx, refund, { refundedBefore: earning.refunded, orderAmount: refund.orderAmount ?? earning.orderAmount }, at);
  if (earning?.status === 'cancelled') await tx.updateEarning(refund.orderId, { refunded: earning.refunded + refund.amount });
  if (earning && earning.status !== 'cancelled') {
    const refunded = earning.refunded + refund.amount;
    const due = clawbackFor(earning.points, refunded, refund.orderAmount ?? earning.orderAmount, earning.clawed);
    if (earning.status === 'pending') {
      const clawed = earning.clawed + due;
      await tx.updateEarning(refund.orderId, { refunded, clawed, status: clawed >= earning.points ? 'cancelled' : 'pending' });
    } else {
      await clawbackIn(tx, {
        memberId: earning.memberId,
        points: due,
        reason: 'REFUND',
        source: 'order',
        sourceId: refund.orderId,
        idempotencyKey: `refund-clawback:${refund.refundId}`,
        at,
        preferredLots: earning.entryId ? await tx.lotIdsOfEntry(earning.entryId) : [],
      });
      await tx.updateEarning(refund.orderId, { refunded, clawed: earning.clawed + due });
    }
  }
  if (refund.pointsRestored > 0) {
    const hold = await tx.lockHoldOfOrder(refund.orderId);
    if (!hold) return;
    const points = Math.min(refund.pointsRestored, hold.points - hold.restored);
    if (points <= 0) return;
    await restoreIn(tx, {
      memberId: hold.memberId,
      holdId: hold.id,
      points,
      kind: 'restore',
      reason: 'REFUND',
      source: 'order',
      sourceId: refund.orderId,
      idempotencyKey: `refund-restore:${refund.refundId}`,
      at,
    });
    await tx.updateHold(hold.id, { restored: hold.restored + points });
  }
}
