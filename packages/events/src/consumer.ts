import { and, asc, eq, isNull, lte } from 'drizzle-orm';
import type { Db } from '@membership/db';
import type { Logger } from '@membership/config';
import { EventContractError, parsePayload, type DomainEvent, type EventType } from './catalog.js';
import { deliveries, eventLog, subscriptions, type InboxTable } from './tables.js';

/**
 * Applies one event's effect inside the consumer's transaction. `context.now` is the
 * consumer's clock (the injected one in tests), for effects that depend on when they apply.
 */
export type EventHandler<T extends EventType = EventType> = (tx: Db, event: DomainEvent<T>, context: { now: Date }) => Promise<void>;

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
  /** Failed attempts after which a delivery is parked instead of retried. */
  maxAttempts?: number;
}

const defaultRetryDelay = (attempts: number) => Math.min(60_000, 500 * 2 ** Math.min(attempts, 7));
/** With the default delays, about six minutes of retries: long enough to outlast a restart or a deploy. */
export const DEFAULT_MAX_ATTEMPTS = 12;

/** A queued event as the log holds it, before the contract has read its payload. */
interface QueuedEvent {
  eventId: string;
  type: string;
  payload: unknown;
  occurredAt: Date;
}

/**
 * The event a consumer hands its handler: the payload read through the contract. Throws
 * an EventContractError for an unknown type or a payload that does not match.
 */
export function decodeEvent(row: QueuedEvent): DomainEvent {
  return { id: row.eventId, type: row.type as EventType, payload: parsePayload(row.type, row.payload), occurredAt: row.occurredAt };
}

/**
 * Reads a consumer's queue and applies each event exactly once: the inbox row, the
 * effect and the delivery mark commit in one transaction, so a crash before commit
 * leaves the event queued, and a redelivered event finds its inbox row and changes
 * nothing. A payload that breaks the contract never reaches the handler: it is logged
 * as an error and fails the attempt like a throwing handler. A delivery is retried with
 * a growing delay and parked after `maxAttempts` failures, so it is neither lost nor
 * retried forever.
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
      .select({
        eventId: eventLog.eventId,
        type: eventLog.type,
        payload: eventLog.payload,
        occurredAt: eventLog.occurredAt,
        attempts: deliveries.attempts,
      })
      .from(deliveries)
      .innerJoin(eventLog, eq(eventLog.eventId, deliveries.eventId))
      .where(
        and(
          eq(deliveries.consumer, this.options.name),
          isNull(deliveries.deliveredAt),
          isNull(deliveries.parkedAt),
          lte(deliveries.availableAt, now),
        ),
      )
      .orderBy(asc(eventLog.seq))
      .limit(this.options.batchSize ?? 50);
    let handled = 0;
    for (const row of due) {
      try {
        await this.apply(decodeEvent(row), now);
        handled++;
      } catch (error) {
        await this.failed(row, row.attempts + 1, error, now);
      }
    }
    return handled;
  }

  /** Records a failed attempt: retried after a delay, or parked once attempts run out. */
  private async failed(row: QueuedEvent, attempts: number, error: unknown, now: Date): Promise<void> {
    const { name, logger } = this.options;
    const parked = attempts >= (this.options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS);
    const context = { consumer: name, eventId: row.eventId, type: row.type, attempts };
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof EventContractError) {
      // A producer sent what this consumer's contract does not know (a newer kind, a
      // wrong field): nobody should learn that from a silent skip.
      logger?.error('event payload breaks the contract; not handled', { ...context, issues: error.issues, parked });
    } else if (parked) {
      logger?.error('event handler keeps failing; delivery parked', { ...context, error: message });
    } else {
      logger?.warn('event handler failed; will retry', { ...context, error: message });
    }
    const delay = (this.options.retryDelayMs ?? defaultRetryDelay)(attempts);
    await this.db
      .update(deliveries)
      .set({
        attempts,
        availableAt: new Date(now.getTime() + delay),
        lastError: message.slice(0, 500),
        parkedAt: parked ? now : null,
      })
      .where(this.deliveryOf(row.eventId));
  }

  private deliveryOf(eventId: string) {
    return and(eq(deliveries.consumer, this.options.name), eq(deliveries.eventId, eventId));
  }

  private async apply(event: DomainEvent, now: Date): Promise<void> {
    const handler = this.options.handlers[event.type] as EventHandler | undefined;
    const inbox = this.options.inbox;
    await this.db.transaction(async (tx) => {
      const fresh = await tx
        .insert(inbox)
        .values({ eventId: event.id, type: event.type, processedAt: now })
        .onConflictDoNothing()
        .returning({ id: inbox.eventId });
      if (fresh.length > 0 && handler) await handler(tx as unknown as Db, event, { now });
      await tx.update(deliveries).set({ deliveredAt: now, attempts: 0, lastError: null }).where(this.deliveryOf(event.id));
    });
  }
}
