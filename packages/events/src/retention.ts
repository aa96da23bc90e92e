import { and, eq, isNull, lt, notExists, sql } from 'drizzle-orm';
import type { Db } from '@membership/db';
import { deliveries, eventLog } from './tables.js';

/**
 * Removes events published before `before` that every subscribed consumer has consumed
 * (no delivery still waiting or parked), with their delivery rows, `batch` at a time.
 * Returns how many events went. A retention job calls it; nothing else deletes from the log.
 */
export async function purgeConsumedEvents(db: Db, before: Date, batch: number): Promise<number> {
  let total = 0;
  for (;;) {
    const pending = db
      .select({ one: sql`1` })
      .from(deliveries)
      .where(and(eq(deliveries.eventId, eventLog.eventId), isNull(deliveries.deliveredAt)));
    const doomed = db
      .select({ seq: eventLog.seq })
      .from(eventLog)
      .where(and(lt(eventLog.publishedAt, before), notExists(pending)))
      .limit(batch);
    // Delivery rows go with their event (on delete cascade).
    const gone = await db
      .delete(eventLog)
      .where(sql`${eventLog.seq} in (${doomed})`)
      .returning({ seq: eventLog.seq });
    total += gone.length;
    if (gone.length < batch) return total;
  }
}
