import { and, asc, eq, isNull, lte } from 'drizzle-orm';
import type { Db } from '@membership/db';
import type { Logger } from '@membership/config';
import type { DomainEvent, EventType } from './catalog.js';
import { deliveries, eventLog, subscriptions, type InboxTable } from './tables.js';

/** Applies one event's effect inside the consumer's transaction. */
export type EventHandler<T extends EventType = EventType> = (tx: Db, event: DomainEvent<T>) => Promise<void>;

export type EventHandlers = { [T in EventType]?: EventHandler<T> };

export interface ConsumerOptions {
  /** Consumer name, one per subgraph (its queue in the broker). */
  name: string;
  inbox: InboxTable;
  handlers: EventHandlers;
  logger?: Logger;
  now?: () => Date;
  batchSize?: number;
  /** Delay before retrying a failed event: grows with attempts, capped. */
  retryDelayMs?: (attempts: number) => number;
}

const defaultRetryDelay = (attempts: number) => Math.min(60_000, 500 * 2 ** Math.min(attempts, 7));

/**
 * Reads a consumer's queue and applies each event exactly once: the inbox row, the
 * effect and the delivery mark commit in one transaction, so a crash before commit
 * leaves the event queued, and a redelivered event finds its inbox row and changes
 * nothing.
 */
export class EventConsumer {
  constructor(
    private readonly db: Db,
    readonly options: ConsumerOptions,
  ) {}

  /** Registers the event types this consumer handles; events published afterwards reach it. */
  async subscribe(): Promise<void> {
    const types = Object.keys(this.options.handlers);
    if (types.length === 0) return;
    await this.db
      .insert(subscriptions)
      .values(types.map((type) => ({ consumer: this.options.name, type })))
      .onConflictDoNothing();
  }

  /** Processes what is due in the queue now; returns how many events it handled. */
  async consumeOnce(): Promise<number> {
    const now = this.options.now?.() ?? new Date();
    const due = await this.db
      .select({ eventId: eventLog.eventId, type: eventLog.type, payload: eventLog.payload, occurredAt: eventLog.occurredAt, attempts: deliveries.attempts })
      .from(deliveries)
      .innerJoin(eventLog, eq(eventLog.eventId, deliveries.eventId))
      .where(and(eq(deliveries.consumer, this.options.name), isNull(deliveries.deliveredAt), lte(deliveries.availableAt, now)))
      .orderBy(asc(eventLog.seq))
      .limit(this.options.batchSize ?? 50);
    let handled = 0;
    for (const row of due) {
      const event = { id: row.eventId, type: row.type as EventType, payload: row.payload, occurredAt: row.occurredAt } as DomainEvent;
      try {
        await this.apply(event, now);
        handled++;
      } catch (error) {
        const delay = (this.options.retryDelayMs ?? defaultRetryDelay)(row.attempts + 1);
        this.options.logger?.warn('event handler failed; will retry', {
          consumer: this.options.name,
          eventId: event.id,
          type: event.type,
          error: error instanceof Error ? error.message : String(error),
        });
        await this.db
          .update(deliveries)
          .set({
            attempts: row.attempts + 1,
            availableAt: new Date(now.getTime() + delay),
            lastError: error instanceof Error ? error.message.slice(0, 500) : 'unknown error',
          })
          .where(this.deliveryOf(event.id));
      }
    }
    return handled;
  }

  private deliveryOf(eventId: string) {
    return and(eq(deliveries.consumer, this.options.name), eq(deliveries.eventId, eventId));
  }

  private async apply(event: DomainEvent, now: Date): Promise<void> {
    const handler = this.options.handlers[event.type] as EventHandler | undefined;
    const inbox = this.options.inbox;
    await this.db.transaction(async (tx) => {
      const fresh = await tx.insert(inbox).values({ eventId: event.id, type: event.type, processedAt: now }).onConflictDoNothing().returning({ id: inbox.eventId });
      if (fresh.length > 0 && handler) await handler(tx as unknown as Db, event);
      await tx.update(deliveries).set({ deliveredAt: now, attempts: 0, lastError: null }).where(this.deliveryOf(event.id));
    });
  }
}
