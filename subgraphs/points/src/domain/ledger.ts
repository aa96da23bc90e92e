import { randomUUID } from 'node:crypto';
import { conflict, notFound } from '@membership/domain';
import { applyDelta, credit, WELCOME_POINTS, welcomeKey, type PointsReason } from './balance.js';

/** A member's points account. */
export interface PointsAccount {
  memberId: string;
  balance: number;
  openedAt: Date;
}

/** One change in a member's ledger. */
export interface LedgerEntry {
  id: string;
  memberId: string;
  /** Points added (> 0) or taken (< 0). */
  delta: number;
  reason: PointsReason;
  idempotencyKey: string;
  createdAt: Date;
}

/** Where the ledger rules read and write accounts and entries (db/PointsRepository). */
export interface LedgerStore {
  /** Runs `work` in one transaction, with a store bound to it. */
  transaction<T>(work: (store: LedgerStore) => Promise<T>): Promise<T>;
  /** Opens the member's account with a zero balance; opening it again changes nothing. */
  openAccount(memberId: string, openedAt: Date): Promise<void>;
  /** The account, locked until the transaction ends so concurrent changes to it queue up. */
  lockAccount(memberId: string): Promise<PointsAccount | undefined>;
  entryByKey(idempotencyKey: string): Promise<LedgerEntry | undefined>;
  insertEntry(entry: LedgerEntry): Promise<LedgerEntry>;
  setBalance(memberId: string, balance: number): Promise<void>;
}

export interface PointsChange {
  memberId: string;
  /** Points added (> 0) or taken (< 0). */
  delta: number;
  reason: PointsReason;
  /** The same key twice is the same change: the second time returns the first entry and changes nothing. */
  idempotencyKey: string;
  at: Date;
}

export interface Posted {
  entry: LedgerEntry;
  /** True when the key had been used before and nothing changed now. */
  replayed: boolean;
}

/**
 * Writes one change to the member's ledger and balance together. The account row is
 * locked first, so changes to one account apply one at a time and a replayed key is
 * seen before anything is written.
 */
export async function postChange(
  repository: LedgerStore,
  change: PointsChange,
  rule: (balance: number, delta: number) => number = applyDelta,
): Promise<Posted> {
  return repository.transaction(async (tx) => {
    const account = await tx.lockAccount(change.memberId);
    if (!account) throw notFound(`Member ${change.memberId} has no points account yet.`);
    const previous = await tx.entryByKey(change.idempotencyKey);
    if (previous) {
      if (previous.memberId !== change.memberId || previous.delta !== change.delta || previous.reason !== change.reason) {
        throw conflict('This idempotency key was already used for a different points change; use a new key.', 'idempotencyKey');
      }
      return { entry: previous, replayed: true };
    }
    const balance = rule(account.balance, change.delta);
    const entry = await tx.insertEntry({
      id: randomUUID(),
      memberId: change.memberId,
      delta: change.delta,
      reason: change.reason,
      idempotencyKey: change.idempotencyKey,
      createdAt: change.at,
    });
    await tx.setBalance(change.memberId, balance);
    return { entry, replayed: false };
  });
}

/** Adds `points` (a positive whole number) to the member's balance, once per key. */
export function creditPoints(repository: LedgerStore, change: Omit<PointsChange, 'delta'> & { points: number }): Promise<Posted> {
  const { points: amount, ...rest } = change;
  return postChange(repository, { ...rest, delta: amount }, credit);
}

/**
 * A new member's account: opened once, with the welcome points credited once. Safe to
 * run again for the same member (the welcome key is spent after the first time).
 */
export async function welcomeMember(repository: LedgerStore, memberId: string, registeredAt: Date): Promise<Posted> {
  await repository.openAccount(memberId, registeredAt);
  return creditPoints(repository, {
    memberId,
    points: WELCOME_POINTS,
    reason: 'WELCOME',
    idempotencyKey: welcomeKey(memberId),
    at: registeredAt,
  });
}
