import { and, asc, eq, inArray, lte, or, sql } from 'drizzle-orm';
import type { Db } from '@membership/db';
import type { DeliveryOutcome, DeliveryRow, DeliveryStatus, DeliveryStore } from '../domain/delivery.js';
import type { Notification } from '../domain/notifier.js';
import { notificationDeliveries as d } from './schema.js';

type Row = typeof d.$inferSelect;

const toDelivery = (row: Row): DeliveryRow => ({
  id: row.id,
  channel: row.channel as Notification['channel'],
  template: row.template,
  recipientHint: row.recipientHint,
  payloadCiphertext: row.payloadCiphertext,
  status: row.status as DeliveryStatus,
  attempts: row.attempts,
  nextAttemptAt: row.nextAttemptAt,
  expiresAt: row.expiresAt,
  noticeId: row.noticeId,
});

/** All SQL about the delivery outbox. Nobody's member data in particular: one for the process. */
export class DeliveriesRepository implements DeliveryStore {
  constructor(private readonly db: Db) {}

  async enqueue(row: DeliveryRow & { recipientLookup: string; createdAt: Date }): Promise<void> {
    await this.db.insert(d).values(row);
  }

  async claimDue(now: Date, claimUntil: Date, limit: number, id?: string): Promise<DeliveryRow[]> {
    // One statement: the due rows are locked (skipping any another worker holds) and claimed together.
    const due = this.db
      .select({ id: d.id })
      .from(d)
      .where(and(inArray(d.status, ['pending', 'sending']), lte(d.nextAttemptAt, now), id ? eq(d.id, id) : undefined))
      .orderBy(asc(d.nextAttemptAt))
      .limit(limit)
      .for('update', { skipLocked: true });
    const rows = await this.db
      .update(d)
      .set({ status: 'sending', nextAttemptAt: claimUntil, attempts: sql`${d.attempts} + 1` })
      .where(and(inArray(d.id, due), or(eq(d.status, 'pending'), eq(d.status, 'sending'))))
      .returning();
    return rows.map(toDelivery);
  }

  async finish(id: string, outcome: DeliveryOutcome): Promise<void> {
    const finished = outcome.finishedAt !== undefined;
    await this.db
      .update(d)
      .set({
        status: outcome.status,
        ...(outcome.nextAttemptAt ? { nextAttemptAt: outcome.nextAttemptAt } : {}),
        ...(outcome.lastError !== undefined ? { lastError: outcome.lastError } : {}),
        ...(outcome.providerMessageId !== undefined ? { providerMessageId: outcome.providerMessageId } : {}),
        ...(outcome.recipientHint !== undefined ? { recipientHint: outcome.recipientHint } : {}),
        // A finished message keeps no content.
        ...(finished ? { finishedAt: outcome.finishedAt, payloadCiphertext: null } : {}),
      })
      .where(eq(d.id, id));
  }
}
