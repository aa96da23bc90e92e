import { randomUUID } from 'node:crypto';
import { conflict, notFound } from '@membership/domain';
import { spendIn, type LedgerStore } from './ledger.js';
import { drawPrize, type Prize } from './lottery.js';
import type { SanctionInForce } from './standing.js';
import { assertMaySpend } from './standing.js';
import { assertMayRedeem, priceFor, type StoreItem } from './store.js';

/** A redemption as points keeps it. */
export interface Redemption {
  id: string;
  itemId: string;
  memberId: string;
  points: number;
  entryId: string;
  idempotencyKey: string;
  redeemedAt: Date;
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
  verificationOf(memberId: string): Promise<{ level: string; expiresAt: Date | null } | null>;
  item(itemId: string): Promise<StoreItem | undefined>;
  redemptionByKey(key: string): Promise<Redemption | undefined>;
  redemptionsOf(memberId: string, itemId: string): Promise<number>;
  /** Takes one from stock; false when none is left (the row is locked until the transaction ends). */
  takeStock(itemId: string): Promise<boolean>;
  insertRedemption(r: Redemption): Promise<Redemption>;
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
 * goes down, all in one transaction; a replayed key returns the first redemption.
 */
export async function redeemItem(
  store: SpendingStore,
  memberId: string,
  input: { itemId: string; idempotencyKey: string },
  settings: { verificationAbove: number },
  now: Date,
): Promise<Redemption> {
  return store.transaction(async (tx) => {
    const account = await tx.lockAccount(memberId);
    if (!account) throw notFound('You have no points account yet.');
    const previous = await tx.redemptionByKey(input.idempotencyKey);
    if (previous) {
      if (previous.memberId !== memberId || previous.itemId !== input.itemId) throw conflict('This idempotency key was already used for another redemption.', 'idempotencyKey');
      return previous;
    }
    assertMaySpend(await tx.sanctionsOf(memberId), now);
    const item = await tx.item(input.itemId);
    if (!item) throw notFound('There is no such item in the store.');
    assertMayRedeem(item, { redeemedBefore: await tx.redemptionsOf(memberId, item.id), verification: await tx.verificationOf(memberId) }, now, settings.verificationAbove);
    const points = priceFor(item, await tx.tierOf(memberId));
    const { entry } = await spendIn(tx, { memberId, points, reason: 'STORE', source: 'store', sourceId: item.id, idempotencyKey: `redeem:${input.idempotencyKey}`, at: now });
    // Stock last: the row lock is held the shortest time, and a sold-out item rolls the spending back.
    if (!(await tx.takeStock(item.id))) throw conflict(`${item.title} is out of stock.`, 'itemId');
    return tx.insertRedemption({ id: randomUUID(), itemId: item.id, memberId, points, entryId: entry.id, idempotencyKey: input.idempotencyKey, redeemedAt: now });
  });
}

/**
 * Enters a lottery: standing and the lottery's dates are checked, the entry cost is taken,
 * and the entry draws its prize from the lottery's seed and its number, so the draw can be
 * recomputed by anyone with the seed; a prize whose count is out falls through to nothing.
 */
export async function enterLottery(store: SpendingStore, memberId: string, input: { lotteryId: string; idempotencyKey: string }, now: Date): Promise<LotteryEntry> {
  return store.transaction(async (tx) => {
    const account = await tx.lockAccount(memberId);
    if (!account) throw notFound('You have no points account yet.');
    const previous = await tx.lotteryEntryByKey(input.idempotencyKey);
    if (previous) {
      if (previous.memberId !== memberId || previous.lotteryId !== input.lotteryId) throw conflict('This idempotency key was already used for another entry.', 'idempotencyKey');
      return previous;
    }
    assertMaySpend(await tx.sanctionsOf(memberId), now);
    const lottery = await tx.lottery(input.lotteryId);
    if (!lottery) throw notFound('There is no such lottery.');
    if (now < lottery.opensAt) throw conflict(`${lottery.title} opens at ${lottery.opensAt.toISOString()}.`, 'lotteryId');
    if (now >= lottery.closesAt) throw conflict(`${lottery.title} closed at ${lottery.closesAt.toISOString()}.`, 'lotteryId');
    const { entry } = await spendIn(tx, { memberId, points: lottery.entryCost, reason: 'LOTTERY', source: 'lottery', sourceId: lottery.id, idempotencyKey: `lottery:${input.idempotencyKey}`, at: now });
    const n = await tx.nextEntryNumber(lottery.id);
    let prizeId = drawPrize(lottery.seed, lottery.id, n, await tx.prizesOf(lottery.id), lottery.loseWeight);
    if (prizeId && !(await tx.awardPrize(prizeId))) prizeId = null;
    return tx.insertLotteryEntry({ id: randomUUID(), lotteryId: lottery.id, memberId, n, prizeId, entryId: entry.id, idempotencyKey: input.idempotencyKey, enteredAt: now });
  });
}
