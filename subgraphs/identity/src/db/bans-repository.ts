import { and, eq, gt, isNull, or } from 'drizzle-orm';
import type { Db } from '@membership/db';
import type { MemberBan } from '../domain/records.js';
import type { BanStore } from '../domain/stores.js';
import { memberBans, members } from './schema.js';

/** All SQL about members' bans; written by the event consumer, read by sign-in and the session check. */
export class BansRepository implements BanStore {
  constructor(private readonly db: Db) {}

  async apply(ban: MemberBan): Promise<void> {
    // A ban for a member identity does not know (never registered here) has nobody to stop.
    const [member] = await this.db.select({ id: members.id }).from(members).where(eq(members.id, ban.memberId)).limit(1);
    if (!member) return;
    await this.db.insert(memberBans).values(ban).onConflictDoNothing();
  }

  async lift(sanctionId: string): Promise<void> {
    await this.db.delete(memberBans).where(eq(memberBans.sanctionId, sanctionId));
  }

  async inForce(memberId: string, now: Date): Promise<MemberBan[]> {
    return this.db
      .select()
      .from(memberBans)
      .where(and(eq(memberBans.memberId, memberId), or(isNull(memberBans.endsAt), gt(memberBans.endsAt, now))));
  }
}
