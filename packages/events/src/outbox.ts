import { randomUUID } from 'node:crypto';
import { and, asc, inArray, isNull } from 'drizzle-orm';
import type { Db } from '@membership/db';
import { parsePayload, type EventInput, type EventType } from './catalog.js';
import { deliveries, eventLog, subscriptions, type OutboxTable } from './tables.js';

/**
 * Records an event in the producer's outbox. Call it with the transaction that makes
 * the state change, so both commit or neither does. The payload is checked against the
 * contract first: one that does not match throws an EventContractError before anything
 * is written, which rolls the state change back with it.
 */
export async function recordEvent<T extends EventType>(
  tx: Db,
  outbox: OutboxTable,
  type: T,
  payload: EventInput[T],
  options: { id?: string; now?: Date } = {},
): Promise<string> {
  const checked = parsePayload(type, payload);
  const id = options.id ?? randomUUID();
  await tx.insert(outbox).values({ id, type, payload: checked, occurredAt: options.now ?? new Date() });
  return id;
}

/**
 * Moves a producer's unpublished outbox rows to the log and fans them out to the
 * queues of subscribed consumers, in one transaction. Publishing twice is harmless:
 * the log and the queues are keyed by event id.
 */
export async function relayOutbox(
  db: Db,
  outbox: OutboxTable,
  producer: string,
  options: { batchSize?: number; now?: () => Date } = {},
): Promise<number> {
  const now = options.now?.() ?? new Date();
  return db.transaction(async (tx) => {
    const pending = await tx
      .select()
      .from(outbox)
      .where(isNull(outbox.publishedAt))
      .orderBy(asc(outbox.occurredAt))
      .limit(options.batchSize ?? 100)
      .for('update', { skipLocked: true });
    if (pending.length === 0) return 0;
    const ids = pending.map((e) => e.id);
    await tx
      .insert(eventLog)
      .values(
        pending.map((e) => ({ eventId: e.id, type: e.type, producer, payload: e.payload, occurredAt: e.occurredAt, publishedAt: now })),
      )
      .onConflictDoNothing();
    const types = [...new Set(pending.map((e) => e.type))];
    const subscribers = await tx.select().from(subscriptions).where(inArray(subscriptions.type, types));
    const queued = pending.flatMap((e) =>
      subscribers.filter((s) => s.type === e.type).map((s) => ({ consumer: s.consumer, eventId: e.id, availableAt: now })),
    );
    if (queued.length > 0) await tx.insert(deliveries).values(queued).onConflictDoNothing();
    await tx
      .update(outbox)
      .set({ publishedAt: now })
      .where(and(inArray(outbox.id, ids), isNull(outbox.publishedAt)));
    return pending.length;
  });
}
