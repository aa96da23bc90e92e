import { and, desc, eq, gt, isNull, lt, sql } from 'drizzle-orm';
import type { Db } from '@membership/db';
import type { RegistrationCodeRow } from '../domain/records.js';
import type { RegistrationCodeStore } from '../domain/stores.js';
import { registrationCodes } from './schema.js';

/** All SQL about one-time registration codes. */
export class RegistrationCodesRepository implements RegistrationCodeStore {
  constructor(private readonly db: Db) {}

  async create(row: RegistrationCodeRow): Promise<void> {
    await this.db.insert(registrationCodes).values(row);
  }

  /** The newest code sent to a contact (by keyed hash): the only one that counts. */
  async latest(contactLookup: string): Promise<RegistrationCodeRow | undefined> {
    const [row] = await this.db
      .select()
      .from(registrationCodes)
      .where(eq(registrationCodes.contactLookup, contactLookup))
      .orderBy(desc(registrationCodes.createdAt))
      .limit(1);
    return row;
  }

  /** Counts one wrong code, never past the limit; returns the attempts made so far. */
  async countWrongAttempt(id: string, maxAttempts: number): Promise<number> {
    const [row] = await this.db
      .update(registrationCodes)
      .set({ attempts: sql`${registrationCodes.attempts} + 1` })
      .where(and(eq(registrationCodes.id, id), lt(registrationCodes.attempts, maxAttempts)))
      .returning({ attempts: registrationCodes.attempts });
    return row?.attempts ?? maxAttempts;
  }

  /**
   * Uses the code up (in the registration's transaction). False when another request
   * used it first or it stopped working meanwhile; the caller then rolls back.
   */
  async consume(id: string, now: Date, maxAttempts: number): Promise<boolean> {
    const rows = await this.db
      .update(registrationCodes)
      .set({ consumedAt: now })
      .where(
        and(
          eq(registrationCodes.id, id),
          isNull(registrationCodes.consumedAt),
          gt(registrationCodes.expiresAt, now),
          lt(registrationCodes.attempts, maxAttempts),
        ),
      )
      .returning({ id: registrationCodes.id });
    return rows.length === 1;
  }
}
