import { randomUUID } from 'node:crypto';
import type { Db } from '@membership/db';
import { notificationsOutbox } from './schema.js';

export type NotificationRow = typeof notificationsOutbox.$inferSelect;

/** All SQL about the development notifier's outbox. */
export class NotificationsRepository {
  constructor(private readonly db: Db) {}

  async add(row: Omit<NotificationRow, 'id'>): Promise<void> {
    await this.db.insert(notificationsOutbox).values({ id: randomUUID(), ...row });
  }
}
