import { randomUUID } from 'node:crypto';
import { and, desc, eq, lt, or } from 'drizzle-orm';
import type { Db } from '@membership/db';
import type { Cursor } from '@membership/subgraph';
import type { StaffOperation, StaffOperationRow } from '../domain/records.js';
import type { StaffOperationStore } from '../domain/stores.js';
import { staffOperationLog } from './schema.js';

/** The staff operation log; an entry is written in the transaction that makes the change it records. */
export class StaffOperationLogRepository implements StaffOperationStore {
  constructor(private readonly db: Db) {}

  async record(op: StaffOperation): Promise<void> {
    await this.db.insert(staffOperationLog).values({
      id: randomUUID(),
      occurredAt: op.at,
      actorKind: op.actor.kind,
      actorId: op.actor.id,
      subgraph: 'identity',
      operation: op.operation,
      targetType: op.target.type,
      targetId: op.target.id,
      before: op.before ?? null,
      after: op.after ?? null,
      reason: op.reason ?? null,
      requestId: op.requestId ?? null,
    });
  }

  /** Newest first; `first + 1` rows so the caller can tell whether another page follows. */
  async page(first: number, after?: Cursor): Promise<StaffOperationRow[]> {
    const where = after
      ? or(lt(staffOperationLog.occurredAt, after.at), and(eq(staffOperationLog.occurredAt, after.at), lt(staffOperationLog.id, after.id)))
      : undefined;
    return this.db
      .select()
      .from(staffOperationLog)
      .where(where)
      .orderBy(desc(staffOperationLog.occurredAt), desc(staffOperationLog.id))
      .limit(first + 1);
  }
}
