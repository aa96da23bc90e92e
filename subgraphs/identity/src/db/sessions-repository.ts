import { and, eq, gt, isNull } from 'drizzle-orm';
import type { Db } from '@membership/db';
import type { NewRefreshToken, RefreshTokenRow, RevokeReason } from '../domain/records.js';
import type { SessionStore } from '../domain/stores.js';
import { members, refreshTokens } from './schema.js';

/** All SQL about refresh tokens (members' sessions); the token hash is the credential, so no scope. */
export class SessionsRepository implements SessionStore {
  constructor(private readonly db: Db) {}

  async issue(token: NewRefreshToken): Promise<void> {
    await this.db.insert(refreshTokens).values(token);
  }

  async byHash(tokenHash: string): Promise<RefreshTokenRow | undefined> {
    const [row] = await this.db.select().from(refreshTokens).where(eq(refreshTokens.tokenHash, tokenHash)).limit(1);
    return row;
  }

  /**
   * Exchanges a live token for `next`. The exchange is a conditional
   * update, so of two requests racing with one token only one wins; the loser finds it
   * rotated, which is reuse. Returns the exchanged row, or undefined when it was not live.
   * Call it in a transaction.
   */
  async rotate(tokenHash: string, now: Date, next: Omit<NewRefreshToken, 'familyId' | 'memberId'>): Promise<RefreshTokenRow | undefined> {
    const [used] = await this.db
      .update(refreshTokens)
      .set({ rotatedAt: now })
      .where(
        and(
          eq(refreshTokens.tokenHash, tokenHash),
          isNull(refreshTokens.rotatedAt),
          isNull(refreshTokens.revokedAt),
          gt(refreshTokens.expiresAt, now),
        ),
      )
      .returning();
    if (!used) return undefined;
    await this.db.insert(refreshTokens).values({ ...next, familyId: used.familyId, memberId: used.memberId });
    return used;
  }

  /** Revokes every token of one sign-in that is not revoked yet; returns how many. */
  async revokeFamily(familyId: string, now: Date, reason: RevokeReason): Promise<number> {
    const rows = await this.db
      .update(refreshTokens)
      .set({ revokedAt: now, revokedReason: reason })
      .where(and(eq(refreshTokens.familyId, familyId), isNull(refreshTokens.revokedAt)))
      .returning({ id: refreshTokens.id });
    return rows.length;
  }

  /** Revokes every live token of the member (all their sessions). */
  async revokeAllForMember(memberId: string, now: Date, reason: RevokeReason): Promise<void> {
    await this.db
      .update(refreshTokens)
      .set({ revokedAt: now, revokedReason: reason })
      .where(and(eq(refreshTokens.memberId, memberId), isNull(refreshTokens.revokedAt)));
  }

  async memberSession(memberId: string, familyId: string): Promise<{ live: boolean; erased: boolean } | undefined> {
    const [member] = await this.db.select({ erasedAt: members.erasedAt }).from(members).where(eq(members.id, memberId)).limit(1);
    if (!member) return undefined;
    const [live] = await this.db
      .select({ id: refreshTokens.id })
      .from(refreshTokens)
      .where(and(eq(refreshTokens.familyId, familyId), eq(refreshTokens.memberId, memberId), isNull(refreshTokens.revokedAt)))
      .limit(1);
    return { live: live !== undefined, erased: member.erasedAt !== null };
  }
}
