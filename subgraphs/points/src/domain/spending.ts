import { randomUUID } from 'node:crypto';
import { conflict, notFound } from '@membership/domain';
import type { EventInput } from '@membership/events';
import { restoreIn, spendIn, type LedgerStore } from './ledger.js';
import { drawPrize, type Prize } from './lottery.js';
import type { SanctionInForce } from './standing.js';
import { assertMaySpend } from './standing.js';
import type { StaffOperation } from './staff.js';
import { assertMayRedeem, assertVerified, needsFulfilment, priceFor, type StoreItem, type Verification } from './store.js';

/** A redemption as points keeps it. */
export interface Redemption {
  id: string;
  itemId: string;
  memberId: string;
  points: number;
  entryId: string;
  idempotencyKey: string;
  redeemedAt: Date;
  /** committed, or held until staff fulfil it (items that need fulfilment), or released. */
  status: 'held' | 'committed' | 'released';
  /** When a held redemption is released if not fulfilled; null otherwise. */
  expiresAt: Date | null;
  settledAt: Date | null;
}

/** A lottery entry as points keeps it. */
export interface LotteryEntry {
  id: string;
  lotteryId: string;
  memberId: string;
  n: number;
  prizeId: string | null;
  entryId: string;
  idempotencyKey: string;
  enteredAt: Date;
}

export interface Lottery {
  id: string;
  title: string;
  entryCost: number;
  loseWeight: number;
  seed: string;
  seedHash: string;
  entries: number;
  opensAt: Date;
  closesAt: Date;
}

/** Where the store and lottery rules read and write (db/PointsRepository). */
export interface SpendingStore extends LedgerStore {
  transaction<T>(work: (store: SpendingStore) => Promise<T>): Promise<T>;
  sanctionsOf(memberId: string): Promise<SanctionInForce[]>;
  tierOf(memberId: string): Promise<string | null>;
  verificationOf(memberId: string): Promise<Verification | null>;
  item(itemId: string): Promise<StoreItem | undefined>;
  redemptionByKey(key: string): Promise<Redemption | undefined>;
  redemptionsOf(memberId: string, itemId: string): Promise<number>;
  /** Takes one from stock; false when none is left (the row is locked until the transaction ends). */
  takeStock(itemId: string): Promise<boolean>;
  insertRedemption(r: Redemption): Promise<Redemption>;
  redemption(redemptionId: string): Promise<Redemption | undefined>;
  /** The redemption, locked until the transaction ends. */
  lockRedemption(redemptionId: string): Promise<Redemption | undefined>;
  updateRedemption(redemptionId: string, patch: Pick<Redemption, 'status' | 'settledAt'>): Promise<Redemption>;
  /** Puts one back into the item's stock. */
  returnStock(itemId: string): Promise<void>;
  recordStaffOperation(op: StaffOperation): Promise<void>;
  record<T extends keyof EventInput>(type: T, payload: EventInput[T], at: Date): Promise<void>;
  lotteryEntryByKey(key: string): Promise<LotteryEntry | undefined>;
  lottery(lotteryId: string): Promise<Lottery | undefined>;
  /** The entry's number in the draw; locks the lottery so entries draw one at a time. */
  nextEntryNumber(lotteryId: string): Promise<number>;
  prizesOf(lotteryId: string): Promise<Prize[]>;
  /** Gives one of the prize; false when its count is already given out. */
  awardPrize(prizeId: string): Promise<boolean>;
  insertLotteryEntry(e: LotteryEntry): Promise<LotteryEntry>;
}

/**
 * Redeems a store item: standing, validity, stock, the member's limit and (for dear items)
 * verification are checked, the member's tier price is taken from their lots, and stock
 * goes down, all in one transaction; a replayed key returns the first redemption. An item
 * that needs fulfilment (physical goods, an event place) is only reserved (`held`): staff
 * commit it when they fulfil it, or it is released (cancelled, or not fulfilled in time),
 * giving back the stock and exactly the lots it took.
 */
export async function redeemItem(
  store: SpendingStore,
  memberId: string,
  input: { itemId: string; idempotencyKey: string },
  settings: { verificationAbove: number; redemptionHoldMs: number },
  now: Date,
): Promise<Redemption> {
  return store.transaction(async (tx) => {
    const account = await tx.lockAccount(memberId);
    if (!account) throw notFound('You have no points account yet.');
    const previous = await tx.redemptionByKey(input.idempotencyKey);
    if (previous) {
      if (previous.memberId !== memberId || previous.itemId !== input.itemId)
        throw conflict('This idempotency key was already used for another redemption.', 'idempotencyKey');
      return previous;
    }
    assertMaySpend(await tx.sanctionsOf(memberId), now);
    const item = await tx.item(input.itemId);
    if (!item) throw notFound('There is no such item in the store.');
    assertMayRedeem(
      item,
      { redeemedBefore: await tx.redemptionsOf(memberId, item.id), verification: await tx.verificationOf(memberId) },
      now,
      settings.verificationAbove,
    );
    const points = priceFor(item, await tx.tierOf(memberId));
    const id = randomUUID();
    const held = needsFulfilment(item.kind);
    // A held redemption records its lots under its own id, so a release gives back exactly those.
    const { entry } = await spendIn(tx, {
      memberId,
      points,
      reason: 'STORE',
      source: 'store',
      sourceId: item.id,
      idempotencyKey: `redeem:${input.idempotencyKey}`,
      at: now,
      holdId: held ? id : null,
    });
    // Stock last: the row lock is held the shortest time, and a sold-out item rolls the spending back.
    if (!(await tx.takeStock(item.id))) throw conflict(`${item.title} is out of stock.`, 'itemId');
    return tx.insertRedemption({
      id,
      itemId: item.id,
      memberId,
      points,
      entryId: entry.id,
      idempotencyKey: input.idempotencyKey,
      redeemedAt: now,
      status: held ? 'held' : 'committed',
      expiresAt: held ? new Date(now.getTime() + settings.redemptionHoldMs) : null,
      settledAt: held ? null : now,
    });
  });
}

/**
 * Staff fulfilled a held redemption (sent the goods, let the member in at the event): it is
 * committed. Fulfilling an event place means the member took part in the activity, so it
 * records MemberActivityRecorded (kind activity, the redemption as its source): tiers counts
 * it, and points' activity task rewards it. Fulfilling it again returns it unchanged.
 */
export async function fulfilRedemption(store: SpendingStore, staffId: string, redemptionId: string, now: Date): Promise<Redemption> {
  return store.transaction(async (tx) => {
    const redemption = await tx.lockRedemption(redemptionId);
    if (!redemption) throw notFound('There is no redemption with this id.');
    if (redemption.status === 'committed') return redemption;
    if (redemption.status === 'released') {
      throw conflict(
        `This redemption was released at ${redemption.settledAt?.toISOString()} (cancelled, or not fulfilled in time); its points and stock went back.`,
        'id',
      );
    }
    const done = await tx.updateRedemption(redemptionId, { status: 'committed', settledAt: now });
    const item = await tx.item(redemption.itemId);
    if (item?.kind === 'EVENT_PLACE') {
      await tx.record(
        'MemberActivityRecorded',
        { memberId: redemption.memberId, kind: 'activity', occurredAt: now.toISOString(), sourceId: redemption.id },
        now,
      );
    }
    await tx.recordStaffOperation({
      id: randomUUID(),
      occurredAt: now,
      staffId,
      operation: 'points.store.fulfil',
      targetType: 'redemption',
      targetId: redemptionId,
      reason: null,
      after: JSON.stringify({ itemId: redemption.itemId, status: 'committed' }),
    });
    return done;
  });
}

/**
 * Cancels a held redemption (the member, for their own, or staff): the stock goes back and
 * the points go back to exactly the lots they came from, with their expiry. A fulfilled one
 * cannot be cancelled; cancelling a released one returns it unchanged. `memberId` limits it
 * to that member's redemptions (someone else's is NOT_FOUND).
 */
export async function cancelRedemption(
  store: SpendingStore,
  who: { memberId: string } | { staffId: string },
  redemptionId: string,
  now: Date,
): Promise<Redemption> {
  return store.transaction(async (tx) => {
    const seen = await tx.redemption(redemptionId);
    if (!seen || ('memberId' in who && seen.memberId !== who.memberId)) throw notFound('There is no redemption of yours with this id.');
    // The account before the redemption, in the order the release job takes them: no deadlock.
    await tx.lockAccount(seen.memberId);
    const found = (await tx.lockRedemption(redemptionId))!;
    if (found.status === 'released') return found;
    if (found.status === 'committed')
      throw conflict('This redemption was already fulfilled (or needed no fulfilment); it cannot be cancelled.', 'id');
    const released = await releaseRedemptionIn(tx, found, now);
    if ('staffId' in who) {
      await tx.recordStaffOperation({
        id: randomUUID(),
        occurredAt: now,
        staffId: who.staffId,
        operation: 'points.store.cancel',
        targetType: 'redemption',
        targetId: redemptionId,
        reason: null,
        after: JSON.stringify({ itemId: found.itemId, status: 'released' }),
      });
    }
    return released;
  });
}

/** Gives a held redemption's stock and points (to the exact lots) back, inside the caller's transaction. */
async function releaseRedemptionIn(tx: SpendingStore, redemption: Redemption, at: Date): Promise<Redemption> {
  await restoreIn(tx, {
    memberId: redemption.memberId,
    holdId: redemption.id,
    kind: 'reverse',
    reason: 'STORE',
    source: 'store',
    sourceId: redemption.itemId,
    idempotencyKey: `redemption-release:${redemption.id}`,
    at,
  });
  await tx.returnStock(redemption.itemId);
  return tx.updateRedemption(redemption.id, { status: 'released', settledAt: at });
}

/**
 * Enters a lottery: standing and the lottery's dates are checked, the entry cost is taken,
 * and the entry draws its prize from the lottery's seed and its number, so the draw can be
 * recomputed by anyone with the seed; a prize whose count is out falls through to nothing.
 */
export async function enterLottery(
  store: SpendingStore,
  memberId: string,
  input: { lotteryId: string; idempotencyKey: string },
  settings: { lotteryVerification: 'none' | 'primary' | 'advanced' },
  now: Date,
): Promise<LotteryEntry> {
  return store.transaction(async (tx) => {
    const account = await tx.lockAccount(memberId);
    if (!account) throw notFound('You have no points account yet.');
    const previous = await tx.lotteryEntryByKey(input.idempotencyKey);
    if (previous) {
      if (previous.memberId !== memberId || previous.lotteryId !== input.lotteryId)
        throw conflict('This idempotency key was already used for another entry.', 'idempotencyKey');
      return previous;
    }
    assertMaySpend(await tx.sanctionsOf(memberId), now);
    const lottery = await tx.lottery(input.lotteryId);
    if (!lottery) throw notFound('There is no such lottery.');
    if (now < lottery.opensAt) throw conflict(`${lottery.title} opens at ${lottery.opensAt.toISOString()}.`, 'lotteryId');
    if (now >= lottery.closesAt) throw conflict(`${lottery.title} closed at ${lottery.closesAt.toISOString()}.`, 'lotteryId');
    // Every lottery has prizes (checkLottery); when configured, entering one needs verification.
    if (settings.lotteryVerification !== 'none')
      assertVerified(await tx.verificationOf(memberId), settings.lotteryVerification, 'Lottery entries with prizes', now);
    const { entry } = await spendIn(tx, {
      memberId,
      points: lottery.entryCost,
      reason: 'LOTTERY',
      source: 'lottery',
      sourceId: lottery.id,
      idempotencyKey: `lottery:${input.idempotencyKey}`,
      at: now,
    });
    const n = await tx.nextEntryNumber(lottery.id);
    let prizeId = drawPrize(lottery.seed, lottery.id, n, await tx.prizesOf(lottery.id), lottery.loseWeight);
    if (prizeId && !(await tx.awardPrize(prizeId))) prizeId = null;
    return tx.insertLotteryEntry({
      id: randomUUID(),
      lotteryId: lottery.id,
      memberId,
      n,
      prizeId,
      entryId: entry.id,
      idempotencyKey: input.idempotencyKey,
      enteredAt: now,
    });
  });
}
