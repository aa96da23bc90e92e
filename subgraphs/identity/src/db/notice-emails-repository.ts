import { eq } from 'drizzle-orm';
import type { Db } from '@membership/db';
import type { NoticeEmail, NoticeEmailSource } from '../domain/delivery.js';
import { openValue, unwrapDataKey, type KeyRing } from '../domain/encryption.js';
import { noticeEmail } from '../domain/notices.js';
import { asLanguage } from '../messages/index.js';
import { inboxNotices, memberKeys, members } from './schema.js';

/**
 * Reads an inbox notice's email copy when it is sent: the member's address (opened with
 * their data key) and the notice in their language. Nobody's data in particular: the
 * delivery worker's, for the whole process.
 */
export class NoticeEmailsRepository implements NoticeEmailSource {
  constructor(
    private readonly db: Db,
    private readonly ring: KeyRing,
  ) {}

  async open(noticeId: string): Promise<NoticeEmail | undefined> {
    const [row] = await this.db
      .select({
        notice: inboxNotices,
        language: members.language,
        serviceEmails: members.serviceEmails,
        erasedAt: members.erasedAt,
        emailCiphertext: members.emailCiphertext,
        wrappedKey: memberKeys.wrappedKey,
      })
      .from(inboxNotices)
      .innerJoin(members, eq(members.id, inboxNotices.memberId))
      .leftJoin(memberKeys, eq(memberKeys.memberId, inboxNotices.memberId))
      .where(eq(inboxNotices.id, noticeId));
    // Checked again now, not only when queued: the member may have changed their mind since.
    if (!row || row.erasedAt || !row.serviceEmails || !row.emailCiphertext || !row.wrappedKey) return undefined;
    const memberId = row.notice.memberId;
    const to = openValue(unwrapDataKey(this.ring, memberId, row.wrappedKey), memberId, 'email', row.emailCiphertext);
    return noticeEmail(to, row.notice, asLanguage(row.language));
  }
}
