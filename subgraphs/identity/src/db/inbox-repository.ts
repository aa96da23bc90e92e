import { and, count, desc, eq, gt, inArray, isNotNull, isNull, lt, lte, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '@membership/db';
import type { Cursor } from '@membership/subgraph';
import { readNotice, type NoticeText } from '../domain/notices.js';
import { asLanguage } from '../messages/index.js';
import type { NoticeRow, NoticeSource } from '../domain/records.js';
import type { MemberDataScope } from '../domain/scope.js';
import type { InboxStore } from '../domain/stores.js';
import { visibleTo } from './scope.js';
import { inboxNotices, members, noticeAudiences, notificationDeliveries, verifications } from './schema.js';

const afterCursor = (after?: Cursor): SQL | undefined =>
  after ? or(lt(inboxNotices.createdAt, after.at), and(eq(inboxNotices.createdAt, after.at), lt(inboxNotices.id, after.id))) : undefined;

/**
 * All SQL about members' inboxes. Notices are written with `insert … select … on
 * conflict do nothing`: one statement, nothing for unknown or erased members, nothing
 * twice for one event. Notices are read through the request's scope.
 */
export class InboxRepository implements InboxStore {
  constructor(
    private readonly db: Db,
    private readonly scope: MemberDataScope,
  ) {}

  private visible() {
    return visibleTo(this.scope, inboxNotices.memberId);
  }

  /** Addresses a notice to one member, if they exist and are not erased. */
  async addForMember(memberId: string, notice: NoticeText, source: NoticeSource): Promise<void> {
    await this.db.execute(sql`
      insert into ${inboxNotices} (id, member_id, event_id, kind, template, params, created_at)
      select gen_random_uuid(), m.id, ${source.eventId}::uuid, ${notice.kind}, ${notice.template}, ${JSON.stringify(notice.params)}::jsonb, ${source.at.toISOString()}::timestamptz
      from ${members} m where m.id = ${memberId}::uuid and m.erased_at is null
      on conflict (event_id, member_id) do nothing`);
  }

  /** Addresses a notice to every member whose last known tier is `tier`: one statement. */
  async addForTier(tier: string, notice: NoticeText, source: NoticeSource): Promise<void> {
    await this.db.execute(sql`
      insert into ${inboxNotices} (id, member_id, event_id, kind, template, params, created_at)
      select gen_random_uuid(), a.member_id, ${source.eventId}::uuid, ${notice.kind}, ${notice.template}, ${JSON.stringify(notice.params)}::jsonb, ${source.at.toISOString()}::timestamptz
      from ${noticeAudiences} a join ${members} m on m.id = a.member_id
      where a.tier = ${tier} and m.erased_at is null
      on conflict (event_id, member_id) do nothing`);
  }

  /** Addresses a notice to every member who is not erased: one statement. */
  async addForEveryone(notice: NoticeText, source: NoticeSource): Promise<void> {
    await this.db.execute(sql`
      insert into ${inboxNotices} (id, member_id, event_id, kind, template, params, created_at)
      select gen_random_uuid(), m.id, ${source.eventId}::uuid, ${notice.kind}, ${notice.template}, ${JSON.stringify(notice.params)}::jsonb, ${source.at.toISOString()}::timestamptz
      from ${members} m where m.erased_at is null
      on conflict (event_id, member_id) do nothing`);
  }

  /**
   * Puts a reminder in the inbox of every member whose approved verification lapses after
   * `now` and at or before `until`: one statement. The verification's id stands for the
   * event, so each verification is reminded of once however often the job runs. The
   * notice's `level` and `date` are filled per verification. Returns how many were added.
   */
  async addVerificationExpiring(notice: Pick<NoticeText, 'kind' | 'template'>, now: Date, until: Date): Promise<number> {
    const params = sql`jsonb_build_object('level', ${verifications.level}, 'date', to_char(${verifications.expiresAt} at time zone 'UTC', 'YYYY-MM-DD'))`;
    const rows = await this.db
      .insert(inboxNotices)
      .select(
        this.db
          .select({
            id: sql`gen_random_uuid()`.as('id'),
            memberId: verifications.memberId,
            eventId: sql`${verifications.id}`.as('event_id'),
            kind: sql`${notice.kind}::text`.as('kind'),
            template: sql`${notice.template}::text`.as('template'),
            params: params.as('params'),
            title: sql`null::text`.as('title'),
            body: sql`null::text`.as('body'),
            createdAt: sql`${now.toISOString()}::timestamptz`.as('created_at'),
            readAt: sql`null::timestamptz`.as('read_at'),
          })
          .from(verifications)
          .innerJoin(members, eq(members.id, verifications.memberId))
          .where(
            and(
              eq(verifications.status, 'approved'),
              gt(verifications.expiresAt, now),
              lte(verifications.expiresAt, until),
              isNull(members.erasedAt),
            ),
          ),
      )
      .onConflictDoNothing({ target: [inboxNotices.eventId, inboxNotices.memberId] })
      .returning({ id: inboxNotices.id });
    return rows.length;
  }

  /**
   * Queues the email copy of every notice made from `eventId` (one member's, a tier's or
   * everyone's: one statement) for members who have an email and take service emails. The
   * recipient and words are read when it is sent, in the member's language then. A notice
   * is emailed at most once, however often this runs. Returns how many were queued.
   */
  async emailNotices(eventId: string, now: Date): Promise<number> {
    const at = sql`${now.toISOString()}::timestamptz`;
    const rows = await this.db
      .insert(notificationDeliveries)
      .select(
        this.db
          .select({
            id: sql`gen_random_uuid()`.as('id'),
            channel: sql`'email'::text`.as('channel'),
            template: sql`'notice:' || coalesce(${inboxNotices.template}, ${inboxNotices.kind})`.as('template'),
            recipientLookup: sql`${members.emailLookup}`.as('recipient_lookup'),
            // The address is sealed with the member's key: the hint is written when it is sent.
            recipientHint: sql`'(member email)'::text`.as('recipient_hint'),
            payloadCiphertext: sql`null::text`.as('payload_ciphertext'),
            status: sql`'pending'::text`.as('status'),
            attempts: sql`0`.as('attempts'),
            nextAttemptAt: at.as('next_attempt_at'),
            expiresAt: sql`null::timestamptz`.as('expires_at'),
            lastError: sql`null::text`.as('last_error'),
            providerMessageId: sql`null::text`.as('provider_message_id'),
            createdAt: at.as('created_at'),
            finishedAt: sql`null::timestamptz`.as('finished_at'),
            noticeId: sql`${inboxNotices.id}`.as('notice_id'),
          })
          .from(inboxNotices)
          .innerJoin(members, eq(members.id, inboxNotices.memberId))
          .where(
            and(
              eq(inboxNotices.eventId, eventId),
              isNull(members.erasedAt),
              isNotNull(members.emailLookup),
              eq(members.serviceEmails, true),
            ),
          ),
      )
      .onConflictDoNothing({ target: notificationDeliveries.noticeId })
      .returning({ id: notificationDeliveries.id });
    return rows.length;
  }

  /** Remembers the member's tier for tier-wide notices; nothing for unknown or erased members. */
  async setAudience(memberId: string, tier: string, at: Date): Promise<void> {
    await this.db.execute(sql`
      insert into ${noticeAudiences} (member_id, tier, updated_at)
      select m.id, ${tier}, ${at.toISOString()}::timestamptz from ${members} m where m.id = ${memberId}::uuid and m.erased_at is null
      on conflict (member_id) do update set tier = excluded.tier, updated_at = excluded.updated_at`);
  }

  /**
   * One page of each member's notices, newest first, in ONE statement: rows numbered
   * per member after the cursor, at most `first + 1` kept for each.
   */
  async pagesForMembers(
    memberIds: readonly string[],
    first: number,
    after: Cursor | undefined,
    unreadOnly: boolean,
  ): Promise<Map<string, NoticeRow[]>> {
    if (memberIds.length === 0) return new Map();
    const ranked = this.db
      .select({
        id: inboxNotices.id,
        rank: sql<number>`row_number() over (partition by ${inboxNotices.memberId} order by ${inboxNotices.createdAt} desc, ${inboxNotices.id} desc)`.as(
          'rank',
        ),
      })
      .from(inboxNotices)
      .where(
        and(
          inArray(inboxNotices.memberId, [...memberIds]),
          afterCursor(after),
          unreadOnly ? isNull(inboxNotices.readAt) : undefined,
          this.visible(),
        ),
      )
      .as('ranked');
    const rows = await this.db
      .select({ notice: inboxNotices, language: members.language })
      .from(inboxNotices)
      .innerJoin(ranked, eq(ranked.id, inboxNotices.id))
      .innerJoin(members, eq(members.id, inboxNotices.memberId))
      .where(lte(ranked.rank, first + 1))
      .orderBy(desc(inboxNotices.createdAt), desc(inboxNotices.id));
    const byMember = new Map<string, NoticeRow[]>();
    for (const { notice, language } of rows) {
      // Rendered in the member's language now: a notice reads in the language the member chose last.
      const read: NoticeRow = { ...notice, ...readNotice(notice, asLanguage(language)) };
      byMember.set(notice.memberId, [...(byMember.get(notice.memberId) ?? []), read]);
    }
    return byMember;
  }

  /** How many unread notices each member has: one statement. */
  async unreadCounts(memberIds: readonly string[]): Promise<Map<string, number>> {
    if (memberIds.length === 0) return new Map();
    const rows = await this.db
      .select({ memberId: inboxNotices.memberId, n: count() })
      .from(inboxNotices)
      .where(and(inArray(inboxNotices.memberId, [...memberIds]), isNull(inboxNotices.readAt), this.visible()))
      .groupBy(inboxNotices.memberId);
    return new Map(rows.map((r) => [r.memberId, Number(r.n)]));
  }

  /** Marks the member's notice read (the first time only); undefined when it is not theirs. */
  async markRead(id: string, memberId: string, now: Date): Promise<NoticeRow | undefined> {
    const [updated] = await this.db
      .update(inboxNotices)
      .set({ readAt: sql`coalesce(${inboxNotices.readAt}, ${now.toISOString()}::timestamptz)` })
      .where(and(eq(inboxNotices.id, id), eq(inboxNotices.memberId, memberId), this.visible()))
      .returning();
    if (!updated) return undefined;
    const [member] = await this.db.select({ language: members.language }).from(members).where(eq(members.id, memberId));
    return { ...updated, ...readNotice(updated, asLanguage(member?.language)) };
  }
}
