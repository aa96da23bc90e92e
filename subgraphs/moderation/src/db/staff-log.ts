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

/** Rows per insert: four parameters each stays far below Postgres's 65,535 per statement. */
const EVENTS_PER_STATEMENT = 1000;

/** Several events in few statements (the jobs' set-based passes); each payload is checked against the contract first. */
export async function recordEvents(tx: Db, events: readonly PendingEvent[]): Promise<void> {
  const rows = events.map((e) => ({ id: randomUUID(), type: e.type, payload: parsePayload(e.type, e.payload), occurredAt: e.at }));
  for (let i = 0; i < rows.length; i += EVENTS_PER_STATEMENT) await tx.insert(outbox).values(rows.slice(i, i + EVENTS_PER_STATEMENT));
}

/** Serialises writers of one key (a member, a report subject) until the transaction ends. */
export async function lockKey(tx: Db, key: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${key}))`);
}
