import { randomBytes } from 'node:crypto';
import { badInput, conflict } from '@membership/domain';
import type { ActivityKind, EventCatalog } from '@membership/events';
import { awardRuleIn, type ActivityStore } from './activity.js';
import type { LedgerEntry } from './ledger.js';
import type { PointsPolicy } from './policy.js';
import type { RuleCode } from './rules.js';

/** A member's share code for one product: an order placed through it rewards the member. */
export interface ShareCode {
  code: string;
  memberId: string;
  productSku: string;
  createdAt: Date;
}

/** Where the task rules read and write (db/PointsRepository). */
export interface TaskStore extends ActivityStore {
  transaction<T>(work: (store: TaskStore) => Promise<T>): Promise<T>;
  shareCodeOf(memberId: string, productSku: string): Promise<ShareCode | undefined>;
  shareCodeByCode(code: string): Promise<ShareCode | undefined>;
  insertShareCode(code: ShareCode): Promise<void>;
}

/** The earning rule each kind of recorded activity earns under (a check-in is paid by checkIn itself). */
const ACTIVITY_TASKS: Partial<Record<ActivityKind, { code: RuleCode; reason: 'TASK' | 'SHARE' }>> = {
  review: { code: 'task_review', reason: 'TASK' },
  activity: { code: 'task_activity', reason: 'TASK' },
  share: { code: 'share', reason: 'SHARE' },
};

/** One award per kind and source (the order reviewed, the event place used, the order a share led to). */
export const taskKey = (kind: ActivityKind, sourceId: string) => `task:${kind}:${sourceId}`;

/**
 * A member's activity (MemberActivityRecorded) earns its task's points, within the rule's
 * day and lifetime caps, once per source. Check-ins and activity without a source earn
 * nothing here, nor does a member with no points account (never opened, or erased: a late
 * event must not bring an erased member's rows back). Inside the caller's transaction.
 */
export async function activityTaskIn(
  tx: ActivityStore,
  activity: EventCatalog['MemberActivityRecorded'],
  policy: PointsPolicy,
): Promise<LedgerEntry | null> {
  const task = ACTIVITY_TASKS[activity.kind];
  if (!task || !activity.sourceId) return null;
  const at = new Date(activity.occurredAt);
  return awardRuleIn(
    tx,
    {
      memberId: activity.memberId,
      code: task.code,
      reason: task.reason,
      source: 'task',
      sourceId: activity.sourceId,
      idempotencyKey: taskKey(activity.kind, activity.sourceId),
      at,
    },
    policy,
  );
}

/** The "complete your profile" task, once per member (identity's MemberProfileCompleted); nothing without an account. */
export async function profileCompletedIn(
  tx: ActivityStore,
  completed: EventCatalog['MemberProfileCompleted'],
  policy: PointsPolicy,
): Promise<LedgerEntry | null> {
  const at = new Date(completed.completedAt);
  return awardRuleIn(
    tx,
    {
      memberId: completed.memberId,
      code: 'task_complete_profile',
      reason: 'TASK',
      source: 'task',
      sourceId: completed.memberId,
      idempotencyKey: `task:complete_profile:${completed.memberId}`,
      at,
    },
    policy,
  );
}

/**
 * A paid order placed through a share code rewards the code's member once per order (never
 * a member sharing with themselves, nor an unknown code), and records their share as
 * MemberActivityRecorded for tiers. Inside the caller's transaction, on the order's first OrderPaid.
 */
export async function shareRewardIn(tx: TaskStore, paid: EventCatalog['OrderPaid'], policy: PointsPolicy): Promise<LedgerEntry | null> {
  if (!paid.shareCode) return null;
  const share = await tx.shareCodeByCode(paid.shareCode);
  if (!share || share.memberId === paid.memberId) return null;
  const at = new Date(paid.paidAt);
  await tx.record(
    'MemberActivityRecorded',
    { memberId: share.memberId, kind: 'share', occurredAt: paid.paidAt, sourceId: paid.orderId },
    at,
  );
  return awardRuleIn(
    tx,
    {
      memberId: share.memberId,
      code: 'share',
      reason: 'SHARE',
      source: 'task',
      sourceId: paid.orderId,
      idempotencyKey: taskKey('share', paid.orderId),
      at,
    },
    policy,
  );
}

const SKU = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
// No 0/O, 1/I/L: codes are read aloud and typed.
const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

/** A new share code: 10 characters from ALPHABET (about 49 bits), so codes cannot be guessed. */
export function newShareCode(): string {
  return [...randomBytes(10)].map((b) => ALPHABET[b % ALPHABET.length]).join('');
}

/**
 * The member's share code for a product (`productSku`), made the first time and the same
 * one after: a link carrying it that leads to a paid order rewards the member.
 */
export async function shareProduct(store: TaskStore, memberId: string, productSku: string, now: Date): Promise<ShareCode> {
  const sku = productSku.trim();
  if (!SKU.test(sku)) throw badInput('A product SKU has 1 to 64 letters, digits, dots, dashes or underscores.', 'productSku');
  return store.transaction(async (tx) => {
    if (!(await tx.lockAccount(memberId))) throw conflict('Your points account is not open yet; try again in a minute.');
    const existing = await tx.shareCodeOf(memberId, sku);
    if (existing) return existing;
    const code: ShareCode = { code: newShareCode(), memberId, productSku: sku, createdAt: now };
    await tx.insertShareCode(code);
    return code;
  });
}
