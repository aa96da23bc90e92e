import { and, desc, eq, inArray, lt, or, sql } from 'drizzle-orm';
import type { Db } from '@membership/db';
import { recordEvent } from '@membership/events';
import type { Cursor } from '@membership/subgraph';
import { members, outbox } from './schema.js';

export type MemberRow = typeof members.$inferSelect;
export type NewMember = typeof members.$inferInsert;

/** All SQL about member accounts. */
export class MembersRepository {
  constructor(private readonly db: Db) {}

  async byIds(ids: readonly string[]): Promise<Map<string, MemberRow>> {
    const rows = await this.db.select().from(members).where(inArray(members.id, [...ids]));
    return new Map(rows.map((r) => [r.id, r]));
  }

  async byLogin(login: { email: string } | { phone: string }): Promise<MemberRow | undefined> {
    const where = 'email' in login ? eq(members.email, login.email) : eq(members.phone, login.phone);
    const [row] = await this.db.select().from(members).where(where).limit(1);
    return row;
  }

  /** Which of these contact values are already registered. */
  async takenContacts(email?: string, phone?: string): Promise<{ email: boolean; phone: boolean }> {
    const conditions = [email ? eq(members.email, email) : undefined, phone ? eq(members.phone, phone) : undefined].filter(Boolean);
    if (conditions.length === 0) return { email: false, phone: false };
    const rows = await this.db.select({ email: members.email, phone: members.phone }).from(members).where(or(...conditions));
    return { email: rows.some((r) => email && r.email === email), phone: rows.some((r) => phone && r.phone === phone) };
  }

  /** Newest first; `first + 1` rows so the caller can tell whether there is a next page. */
  async page(first: number, after?: Cursor): Promise<MemberRow[]> {
    const where = after
      ? or(lt(members.registeredAt, after.at), and(eq(members.registeredAt, after.at), lt(members.id, after.id)))
      : undefined;
    return this.db.select().from(members).where(where).orderBy(desc(members.registeredAt), desc(members.id)).limit(first + 1);
  }

  /** Inserts the member and its MemberRegistered event in one transaction. */
  async register(member: NewMember & { registeredAt: Date }, channel: 'email' | 'phone'): Promise<MemberRow> {
    return this.db.transaction(async (tx) => {
      const [row] = await tx.insert(members).values(member).returning();
      await recordEvent(tx as unknown as Db, outbox, 'MemberRegistered', {
        memberId: member.id,
        registeredAt: member.registeredAt.toISOString(),
        channel,
      }, { now: member.registeredAt });
      return row!;
    });
  }

  /**
   * Counts a wrong password and locks the account when the count reaches the limit,
   * in one statement so concurrent attempts cannot slip past the limit.
   */
  async recordFailedLogin(id: string, now: Date, maxFailures: number, lockMinutes: number): Promise<MemberRow | undefined> {
    const lockUntil = new Date(now.getTime() + lockMinutes * 60_000);
    const [row] = await this.db
      .update(members)
      .set({
        failedLogins: sql`case when ${members.failedLogins} + 1 >= ${maxFailures} then 0 else ${members.failedLogins} + 1 end`,
        lockedUntil: sql`case when ${members.failedLogins} + 1 >= ${maxFailures} then ${lockUntil.toISOString()}::timestamptz else ${members.lockedUntil} end`,
      })
      .where(eq(members.id, id))
      .returning();
    return row;
  }

  async clearFailedLogins(id: string): Promise<void> {
    await this.db.update(members).set({ failedLogins: 0, lockedUntil: null }).where(eq(members.id, id));
  }
}
