import { and, isNotNull, lt, or, sql, type SQL } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Db } from '@membership/db';
import { purgeConsumedEvents } from '@membership/events';
import type { RetentionCutoffs, RetentionRun, RetentionStore } from '../domain/retention.js';
import {
  inbox,
  notificationDeliveries,
  notificationsOutbox,
  outbox,
  passwordResetCodes,
  piiAccessLog,
  refreshTokens,
  registrationCodes,
  staffOperationLog,
} from './schema.js';

/** All SQL of the retention job: deletes of whatever is past its period, batch after batch. */
export class RetentionRepository implements RetentionStore {
  constructor(private readonly db: Db) {}

  /** Deletes rows of `table` matching `where`, `batch` at a time by `key`, until none is left. */
  private async deleteAll(table: PgTable, key: PgColumn, where: SQL | undefined, batch: number): Promise<number> {
    let total = 0;
    for (;;) {
      const doomed = this.db.select({ key }).from(table).where(where).limit(batch);
      const gone = await this.db
        .delete(table)
        .where(sql`${key} in (${doomed})`)
        .returning({ key });
      total += gone.length;
      if (gone.length < batch) return total;
    }
  }

  async purge(c: RetentionCutoffs, batch: number): Promise<RetentionRun> {
    const stale = (expiresAt: PgColumn, consumedAt: PgColumn) =>
      or(lt(expiresAt, c.expiredCredentials), lt(consumedAt, c.expiredCredentials));
    return {
      piiAccessLog: await this.deleteAll(piiAccessLog, piiAccessLog.id, lt(piiAccessLog.accessedAt, c.piiAccessLog), batch),
      staffOperationLog: await this.deleteAll(
        staffOperationLog,
        staffOperationLog.id,
        lt(staffOperationLog.occurredAt, c.staffOperationLog),
        batch,
      ),
      registrationCodes: await this.deleteAll(
        registrationCodes,
        registrationCodes.id,
        stale(registrationCodes.expiresAt, registrationCodes.consumedAt),
        batch,
      ),
      passwordResetCodes: await this.deleteAll(
        passwordResetCodes,
        passwordResetCodes.id,
        stale(passwordResetCodes.expiresAt, passwordResetCodes.consumedAt),
        batch,
      ),
      refreshTokens: await this.deleteAll(refreshTokens, refreshTokens.id, lt(refreshTokens.expiresAt, c.expiredCredentials), batch),
      notificationDeliveries: await this.deleteAll(
        notificationDeliveries,
        notificationDeliveries.id,
        and(isNotNull(notificationDeliveries.finishedAt), lt(notificationDeliveries.finishedAt, c.notifications)),
        batch,
      ),
      developmentNotifications: await this.deleteAll(
        notificationsOutbox,
        notificationsOutbox.id,
        lt(notificationsOutbox.createdAt, c.notifications),
        batch,
      ),
      eventLog: await purgeConsumedEvents(this.db, c.eventLog, batch),
      // Published long ago: the relay is done with them.
      outbox: await this.deleteAll(outbox, outbox.id, and(isNotNull(outbox.publishedAt), lt(outbox.publishedAt, c.eventLog)), batch),
      // Safe to forget once the log no longer holds the event: it cannot be delivered again.
      inbox: await this.deleteAll(inbox, inbox.eventId, lt(inbox.processedAt, c.eventLog), batch),
    };
  }
}
