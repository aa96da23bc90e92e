import { and, desc, eq, gt, isNull, lt, sql } from 'drizzle-orm';
import type { Db } from '@membership/db';
import type { PasswordResetCodeRow } from '../domain/records.js';
import type { PasswordResetCodeStore } from '../domain/stores.js';
import { passwordResetCodes } from './schema.js';

/** All SQL about one-time password reset codes. */
export class PasswordResetCodesRepository implements PasswordResetCodeStore {
  constructor(private readonly db: Db) {}

  async create(row: PasswordResetCodeRow): Promise<void> {
    await this.db.insert(passwordResetCodes).values(row);
  }

  /** The member's newest reset code: the only one that counts. */
  async latest(memberId: string): Promise<PasswordResetCodeRow | undefined> {
    const [row] = await this.db
      .select()
      .from(passwordResetCodes)
      .where(eq(passwordResetCodes.memberId, memberId))
      .orderBy(desc(passwordResetCodes.createdAt))
      .limit(1);
    return row;
  }

  /** Counts one wrong code, never past the limit; returns the attempts made so far. */
  async countWrongAttempt(id: string, maxAttempts: number): Promise<number> {
    const [row] = await this.db
      .update(passwordResetCodes)
      .set({ attempts: sql`${passwordResetCodes.attempts} + 1` })
      .where(and(eq(passwordResetCodes.id, id), lt(passwordResetCodes.attempts, maxAttempts)))
      .returning({ attempts: passwordResetCodes.attempts });
    return row?.attempts ?? maxAttempts;
  }

  /**
   * Uses the code up (in the reset's transaction). False when another request used it
   * first or it stopped working meanwhile; the caller then rolls back.
   */
  async consume(id: string, now: Date, maxAttempts: number): Promise<boolean> {
    const rows = await this.db
      .update(passwordResetCodes)
      .set({ consumedAt: now })
      .where(
        and(
          eq(passwordResetCodes.id, id),
          isNull(passwordResetCodes.consumedAt),
          gt(passwordResetCodes.expiresAt, now),
          lt(passwordResetCodes.attempts, maxAttempts),
        ),
      )
      .returning({ id: passwordResetCodes.id });
    return rows.length === 1;
  }
}
