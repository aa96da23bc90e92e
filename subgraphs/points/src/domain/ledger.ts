import { randomUUID } from 'node:crypto';
import { conflict, notFound } from '@membership/domain';
import { insufficientPoints, WELCOME_POINTS, welcomeKey, type EntryKind, type EntrySource, type PointsReason } from './balance.js';
import { planRestore, planSpend, splitClawback, splitEarning, wholePoints, type Lot, type LotUse, type UsedLot } from './lots.js';

/** A member's points account. */
export interface PointsAccount {
  memberId: string;
  balance: number;
  debt: number;
  openedAt: Date;
}

/** One change in a member's ledger. */
export interface LedgerEntry {
  id: string;
  memberId: string;
  kind: EntryKind;
  /** Points added to (> 0) or taken from (< 0) the spendable balance. */
  delta: number;
  /** Points added to (> 0) or paid off (< 0) the member's debt. */
  debtDelta: number;
  reason: PointsReason;
  source: EntrySource;
  sourceId: string | null;
  note: string | null;
  idempotencyKey: string;
  createdAt: Date;
}

/** A new lot, as an earning makes it. */
export interface NewLot extends Lot {
  memberId: string;
  entryId: string;
  points: number;
  earnedAt: Date;
}

/** Where the ledger rules read and write accounts, entries and lots (db/PointsRepository). */
export interface LedgerStore {
  /** Runs `work` in one transaction, with a store bound to it. */
  transaction<T>(work: (store: LedgerStore) => Promise<T>): Promise<T>;
  /** Opens the member's account with a zero balance; opening it again changes nothing. */
  openAccount(memberId: string, openedAt: Date): Promise<void>;
  /** The account, locked until the transaction ends so concurrent changes to it queue up. */
  lockAccount(memberId: string): Promise<PointsAccount | undefined>;
  entryByKey(idempotencyKey: string): Promise<LedgerEntry | undefined>;
  insertEntry(entry: LedgerEntry): Promise<LedgerEntry>;
  setAccount(memberId: string, balances: { balance: number; debt: number }): Promise<void>;
  /** The member's lots with points left that have not expired at `now`. */
  spendableLots(memberId: string, now: Date): Promise<Lot[]>;
  insertLot(lot: NewLot): Promise<void>;
  /** Records `uses` against `entryId` (and `holdId`) and moves each lot's remaining points by them. */
  useLots(entryId: string, uses: readonly LotUse[], holdId: string | null): Promise<void>;
  /** The lots spendings of `holdId` took from, with what is still out of each. */
  usedLots(holdId: string): Promise<UsedLot[]>;
}

/** What every change says about itself. */
export interface ChangeFacts {
  memberId: string;
  reason: PointsReason;
  source: EntrySource;
  sourceId?: string | null;
  note?: string | null;
  /** The same key twice is the same change: the second time returns the first entry and changes nothing. */
  idempotencyKey: string;
  at: Date;
}

export interface Posted {
  entry: LedgerEntry;
  /** True when the key had been used before and nothing changed now. */
  replayed: boolean;
}

/** The locked account and, when the key was used before, the entry it made. */
async function begin(
  tx: LedgerStore,
  facts: ChangeFacts,
  kind: EntryKind,
  points?: number,
): Promise<{ account: PointsAccount; previous?: LedgerEntry }> {
  const account = await tx.lockAccount(facts.memberId);
  if (!account) throw notFound(`Member ${facts.memberId} has no points account yet.`);
  const previous = await tx.entryByKey(facts.idempotencyKey);
  // The points an entry moved, wherever they went (balance or debt).
  const moved = previous ? Math.abs(previous.delta - previous.debtDelta) : 0;
  if (
    previous &&
    (previous.memberId !== facts.memberId ||
      previous.kind !== kind ||
      previous.reason !== facts.reason ||
      (points !== undefined && moved !== points))
  ) {
    throw conflict('This idempotency key was already used for a different points change; use a new key.', 'idempotencyKey');
  }
  return { account, previous };
}

function entryOf(facts: ChangeFacts, kind: EntryKind, delta: number, debtDelta: number): LedgerEntry {
  return {
    id: randomUUID(),
    memberId: facts.memberId,
    kind,
    delta,
    debtDelta,
    reason: facts.reason,
    source: facts.source,
    sourceId: facts.sourceId ?? null,
    note: facts.note ?? null,
    idempotencyKey: facts.idempotencyKey,
    createdAt: facts.at,
  };
}

/**
 * Credits `points` that expire at `expiresAt`, inside the caller's transaction: a debt is
 * paid first, the rest becomes a lot. The entry records both halves, so nothing is lost.
 */
export async function earnIn(tx: LedgerStore, facts: ChangeFacts & { points: number; expiresAt: Date; kind?: EntryKind }): Promise<Posted> {
  const kind = facts.kind ?? 'earn';
  wholePoints(facts.points);
  const { account, previous } = await begin(tx, facts, kind, facts.points);
  if (previous) return { entry: previous, replayed: true };
  const { toDebt, toBalance } = splitEarning(facts.points, account.debt);
  const entry = await tx.insertEntry(entryOf(facts, kind, toBalance, -toDebt));
  if (toBalance > 0) {
    await tx.insertLot({
      id: randomUUID(),
      memberId: facts.memberId,
      entryId: entry.id,
      points: toBalance,
      remaining: toBalance,
      earnedAt: facts.at,
      expiresAt: facts.expiresAt,
    });
  }
  await tx.setAccount(facts.memberId, { balance: account.balance + toBalance, debt: account.debt - toDebt });
  return { entry, replayed: false };
}

/**
 * Takes `points` from the member's lots, nearest expiry first, inside the caller's
 * transaction; INSUFFICIENT_POINTS when the unexpired lots do not cover them.
 */
export async function spendIn(
  tx: LedgerStore,
  facts: ChangeFacts & { points: number; kind?: EntryKind; holdId?: string | null },
): Promise<Posted> {
  const kind = facts.kind ?? 'redeem';
  wholePoints(facts.points);
  const { account, previous } = await begin(tx, facts, kind, facts.points);
  if (previous) return { entry: previous, replayed: true };
  if (account.balance < facts.points) throw insufficientPoints(account.balance, facts.points);
  const lots = await tx.spendableLots(facts.memberId, facts.at);
  const uses = planSpend(lots, facts.points, facts.at);
  // Lots past their expiry still count in the balance until the expiry job runs; they cannot be spent.
  if (!uses)
    throw insufficientPoints(
      lots.reduce((n, l) => n + l.remaining, 0),
      facts.points,
    );
  const entry = await tx.insertEntry(entryOf(facts, kind, -facts.points, 0));
  await tx.useLots(entry.id, uses, facts.holdId ?? null);
  await tx.setAccount(facts.memberId, { balance: account.balance - facts.points, debt: account.debt });
  return { entry, replayed: false };
}

/**
 * Takes back `points` earned (after a refund) inside the caller's transaction: from the
 * `preferred` lots first (the order's own), then nearest expiry; what the balance cannot
 * cover becomes a debt, recorded in the same entry. Returns null when there was nothing to take.
 */
export async function clawbackIn(
  tx: LedgerStore,
  facts: ChangeFacts & { points: number; preferredLots?: readonly string[]; holdId?: string | null },
): Promise<(Posted & { taken: number; debt: number }) | null> {
  if (facts.points === 0) return null;
  wholePoints(facts.points);
  const { account, previous } = await begin(tx, facts, 'clawback', facts.points);
  if (previous) return { entry: previous, replayed: true, taken: -previous.delta, debt: previous.debtDelta };
  const lots = await tx.spendableLots(facts.memberId, facts.at);
  const spendable = Math.min(
    account.balance,
    lots.reduce((n, l) => n + l.remaining, 0),
  );
  const { taken, debt } = splitClawback(facts.points, spendable);
  const entry = await tx.insertEntry(entryOf(facts, 'clawback', -taken, debt));
  if (taken > 0) await tx.useLots(entry.id, planSpend(lots, taken, facts.at, facts.preferredLots)!, facts.holdId ?? null);
  await tx.setAccount(facts.memberId, { balance: account.balance - taken, debt: account.debt + debt });
  return { entry, replayed: false, taken, debt };
}

/**
 * Gives back `points` (all that is still out when omitted) to exactly the lots `holdId`
 * took them from, with their original expiry, inside the caller's transaction. `kind` is
 * `reverse` for a released hold, `restore` for a refund. Null when nothing is out.
 */
export async function restoreIn(
  tx: LedgerStore,
  facts: ChangeFacts & { holdId: string; points?: number; kind: 'restore' | 'reverse' },
): Promise<Posted | null> {
  const { account, previous } = await begin(tx, facts, facts.kind);
  if (previous) return { entry: previous, replayed: true };
  const used = await tx.usedLots(facts.holdId);
  const points = facts.points ?? used.reduce((n, u) => n + u.outstanding, 0);
  if (points === 0) return null;
  const uses = planRestore(used, points);
  const entry = await tx.insertEntry(entryOf(facts, facts.kind, points, 0));
  await tx.useLots(entry.id, uses, facts.holdId);
  await tx.setAccount(facts.memberId, { balance: account.balance + points, debt: account.debt });
  return { entry, replayed: false };
}

/** A signed change: a credit (a lot expiring at `expiresAt`) or a debit (nearest expiry first). */
export function postChange(
  store: LedgerStore,
  change: ChangeFacts & { delta: number; kind?: EntryKind; expiresAt: Date },
): Promise<Posted> {
  const { delta, ...facts } = change;
  return store.transaction((tx) =>
    delta > 0
      ? earnIn(tx, { ...facts, points: delta, kind: change.kind ?? 'adjust' })
      : spendIn(tx, { ...facts, points: -delta, kind: change.kind ?? 'adjust' }),
  );
}

/**
 * A new member's account: opened once, with the welcome points credited once. Safe to
 * run again for the same member (the welcome key is spent after the first time).
 */
export async function welcomeMember(store: LedgerStore, memberId: string, registeredAt: Date, expiresAt: Date): Promise<Posted> {
  await store.openAccount(memberId, registeredAt);
  return store.transaction((tx) =>
    earnIn(tx, {
      memberId,
      points: WELCOME_POINTS,
      reason: 'WELCOME',
      source: 'task',
      idempotencyKey: welcomeKey(memberId),
      at: registeredAt,
      expiresAt,
    }),
  );
}
