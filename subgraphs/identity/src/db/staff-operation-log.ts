import { randomUUID } from 'node:crypto';
import { and, desc, eq, lt, or } from 'drizzle-orm';
import type { Db } from '@membership/db';
import type { Cursor } from '@membership/subgraph';
import { staffOperationLog } from './schema.js';

export type StaffOperationRow = typeof staffOperationLog.$inferSelect;

/** One staff mutation as the log keeps it. */
export interface StaffOperation {
  actor: { kind: 'staff' | 'system'; id: string };
  /** What was done, e.g. staff.create, verification.approve. */
  operation: string;
  target: { type: string; id: string };
  /** Summaries of the target: ids, states, role names; never secrets or raw personal values. */
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
  reason?: string | null;
  requestId?: string | null;
  at: Date;
}

/**
 * Writes one staff operation to the log inside `tx`, the transaction that makes the
 * change: the change and its record commit together or not at all.
 */
export async function recordStaffOperation(tx: Db, op: StaffOperation): Promise<void> {
  await tx.insert(staffOperationLog).values({
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

/** Reads the staff operation log. */
export class StaffOperationLogRepository {
  constructor(private readonly db: Db) {}

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
