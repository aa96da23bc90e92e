import { and, inArray } from 'drizzle-orm';
import type { Db } from '@membership/db';
import type { CardStore, MemberCardRow } from '../domain/card.js';
import type { MemberDataScope } from '../domain/scope.js';
import { visibleTo } from './scope.js';
import { memberCards, noticeAudiences } from './schema.js';

/** All SQL about member cards, through the request's scope. */
export class CardsRepository implements CardStore {
  constructor(
    private readonly db: Db,
    private readonly scope: MemberDataScope,
  ) {}

  async cardsFor(memberIds: readonly string[], newNumber: () => string, now: Date): Promise<Map<string, MemberCardRow>> {
    if (memberIds.length === 0) return new Map();
    const ids = [...memberIds];
    const read = async () =>
      new Map(
        (
          await this.db
            .select()
            .from(memberCards)
            .where(and(inArray(memberCards.memberId, ids), visibleTo(this.scope, memberCards.memberId)))
        ).map((c) => [c.memberId, c]),
      );
    const found = await read();
    // Only cards this viewer may see are issued; two requests racing (or a number drawn twice) keep the first.
    const visible = (id: string) => this.scope.kind === 'all' || (this.scope.kind === 'member' && this.scope.memberId === id);
    const missing = ids.filter((id) => !found.has(id) && visible(id));
    if (missing.length === 0) return found;
    await this.db
      .insert(memberCards)
      .values(missing.map((memberId) => ({ memberId, number: newNumber(), issuedAt: now })))
      .onConflictDoNothing();
    return read();
  }

  /** Each member's tier as identity last heard it (TierChanged); one statement. */
  async tiersFor(memberIds: readonly string[]): Promise<Map<string, string>> {
    if (memberIds.length === 0) return new Map();
    const rows = await this.db
      .select({ memberId: noticeAudiences.memberId, tier: noticeAudiences.tier })
      .from(noticeAudiences)
      .where(and(inArray(noticeAudiences.memberId, [...memberIds]), visibleTo(this.scope, noticeAudiences.memberId)));
    return new Map(rows.map((r) => [r.memberId, r.tier]));
  }
}
