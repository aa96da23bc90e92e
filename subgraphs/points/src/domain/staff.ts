import { randomUUID } from 'node:crypto';
import { badInput } from '@membership/domain';
import { earnIn, spendIn, type LedgerEntry, type LedgerStore } from './ledger.js';
import { expiryOf } from './lots.js';
import type { PointsPolicy } from './policy.js';

/** One staff operation on points, as its log keeps it. */
export interface StaffOperation {
  id: string;
  occurredAt: Date;
  staffId: string;
  operation: string;
  targetType: string;
  targetId: string;
  reason: string | null;
  after: string | null;
}

/** Where staff changes are written, in the same transaction as the change. */
export interface StaffStore extends LedgerStore {
  transaction<T>(work: (store: StaffStore) => Promise<T>): Promise<T>;
  recordStaffOperation(op: StaffOperation): Promise<void>;
}

export interface Adjustment {
  memberId: string;
  points: number;
  reason: string;
  idempotencyKey: string;
}

/**
 * A staff correction: a positive one is a lot with the normal expiry, a negative one takes
 * the lots nearest expiry (INSUFFICIENT_POINTS beyond the balance). The reason is required,
 * kept in the entry and in the staff operation log written in the same transaction; a
 * replayed key returns the first entry and logs nothing more.
 */
export async function adjustPoints(
  store: StaffStore,
  staffId: string,
  input: Adjustment,
  policy: PointsPolicy,
  now: Date,
): Promise<LedgerEntry> {
  if (!Number.isInteger(input.points) || input.points === 0)
    throw badInput('An adjustment is a whole number of points other than 0.', 'points');
  const reason = input.reason.trim();
  if (reason.length < 5) throw badInput('Say why the balance is adjusted (at least 5 characters); it is kept in the log.', 'reason');
  if (reason.length > 500) throw badInput('Keep the reason under 500 characters.', 'reason');
  if (!input.idempotencyKey.trim()) throw badInput('An idempotency key is required.', 'idempotencyKey');
  return store.transaction(async (tx) => {
    const facts = {
      memberId: input.memberId,
      reason: 'ADJUSTMENT' as const,
      source: 'staff' as const,
      sourceId: staffId,
      note: reason,
      idempotencyKey: `adjust:${input.idempotencyKey}`,
      at: now,
      kind: 'adjust' as const,
    };
    const posted =
      input.points > 0
        ? await earnIn(tx, { ...facts, points: input.points, expiresAt: expiryOf(now, policy.expiry) })
        : await spendIn(tx, { ...facts, points: -input.points });
    if (!posted.replayed) {
      await tx.recordStaffOperation({
        id: randomUUID(),
        occurredAt: now,
        staffId,
        operation: 'points.adjust',
        targetType: 'member',
        targetId: input.memberId,
        reason,
        after: JSON.stringify({ entryId: posted.entry.id, points: input.points }),
      });
    }
    return posted.entry;
  });
}
