import { bigserial, index, integer, jsonb, pgSchema, primaryKey, text, timestamp, uuid, type PgSchema } from 'drizzle-orm/pg-core';

/**
 * The broker: a log in Postgres that every producer's relay appends to and every
 * consumer reads its own queue from. Only this package touches the `events` schema;
 * moving to a real broker replaces it without touching producers or consumers.
 */
export const eventsSchema = pgSchema('events');

/** Every event ever published, once, in publication order. */
export const eventLog = eventsSchema.table('log', {
  seq: bigserial('seq', { mode: 'number' }).primaryKey(),
  eventId: uuid('event_id').notNull().unique(),
  type: text('type').notNull(),
  producer: text('producer').notNull(),
  payload: jsonb('payload').notNull(),
  occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
  publishedAt: timestamp('published_at', { withTimezone: true }).notNull(),
});

/** Which consumer wants which event type; consumers register at start-up. */
export const subscriptions = eventsSchema.table(
  'subscriptions',
  {
    consumer: text('consumer').notNull(),
    type: text('type').notNull(),
  },
  (t) => [primaryKey({ columns: [t.consumer, t.type] })],
);

/**
 * One row per event per subscribed consumer: its delivery state and retry schedule. A
 * delivery that failed `maxAttempts` times (a handler that keeps throwing, a payload
 * that breaks the contract) is parked: `parked_at` is set and the queue skips it until
 * someone requeues it (parked_at and attempts back to null and 0).
 */
export const deliveries = eventsSchema.table(
  'deliveries',
  {
    consumer: text('consumer').notNull(),
    eventId: uuid('event_id')
      .notNull()
      .references(() => eventLog.eventId, { onDelete: 'cascade' }),
    attempts: integer('attempts').notNull().default(0),
    availableAt: timestamp('available_at', { withTimezone: true }).notNull().defaultNow(),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
    lastError: text('last_error'),
    parkedAt: timestamp('parked_at', { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.consumer, t.eventId] }),
    index('deliveries_consumer_delivered_at_available_at_idx').on(t.consumer, t.deliveredAt, t.availableAt),
  ],
);

/**
 * A producer's outbox, in the producer's own schema: written in the same transaction
 * as the state change the event reports.
 */
export function outboxTable(schema: PgSchema) {
  return schema.table(
    'outbox',
    {
      id: uuid('id').primaryKey(),
      type: text('type').notNull(),
      payload: jsonb('payload').notNull(),
      occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
      publishedAt: timestamp('published_at', { withTimezone: true }),
    },
    (t) => [index('outbox_published_at_occurred_at_idx').on(t.publishedAt, t.occurredAt)],
  );
}

/**
 * A consumer's inbox, in the consumer's own schema: the ids of events whose effect
 * has been committed, written in the same transaction as that effect.
 */
export function inboxTable(schema: PgSchema) {
  return schema.table('inbox', {
    eventId: uuid('event_id').primaryKey(),
    type: text('type').notNull(),
    processedAt: timestamp('processed_at', { withTimezone: true }).notNull(),
  });
}

export type OutboxTable = ReturnType<typeof outboxTable>;
export type InboxTable = ReturnType<typeof inboxTable>;
