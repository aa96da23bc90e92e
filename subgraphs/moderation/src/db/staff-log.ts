import { randomUUID } from 'node:crypto';
import { desc, sql } from 'drizzle-orm';
import type { Db } from '@membership/db';
import { parsePayload, type EventInput, type EventType } from '@membership/events';
import { outbox, staffOperations } from './schema.js';

/** Who did a staff action, in which request. */
export interface StaffActor {
  staffId: string;
  requestId?: string;
}

/** One staff action, written in the transaction that makes the change. */
export async function logStaffOperation(
  tx: Db,
  actor: StaffActor,
  at: Date,
  operation: string,
  target: { type: string; id: string },
  details: Record<string, unknown> = {},
): Promise<void> {
  await tx.insert(staffOperations).values({
    id: randomUUID(),
    occurredAt: at,
    staffId: actor.staffId,
    operation,
    targetType: target.type,
    targetId: target.id,
    details,
    requestId: actor.requestId ?? null,
  });
}

export type StaffOperationRow = typeof staffOperations.$inferSelect;

/** The staff operation log, newest first. */
export async function staffOperationPage(db: Db, first: number): Promise<StaffOperationRow[]> {
  return db.select().from(staffOperations).orderBy(desc(staffOperations.occurredAt), desc(staffOperations.id)).limit(first);
}

/** An event to record, with when it happened. */
export interface PendingEvent<T extends EventType = EventType> {
  type: T;
  payload: EventInput[T];
  at: Date;
}

/** Several events in one statement (the jobs' set-based passes); each payload is checked against the contract first. */
export async function recordEvents(tx: Db, events: readonly PendingEvent[]): Promise<void> {
  if (events.length === 0) return;
  await tx.insert(outbox).values(events.map((e) => ({ id: randomUUID(), type: e.type, payload: parsePayload(e.type, e.payload), occurredAt: e.at })));
}

/** Serialises writers of one key (a member, a report subject) until the transaction ends. */
export async function lockKey(tx: Db, key: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${key}))`);
}
