import type { Db } from '@membership/db';
import type { EventHandlers } from '@membership/events';
import type { NoticeText } from './domain/notices.js';
import { BansRepository } from './db/bans-repository.js';
import { InboxRepository } from './db/inbox-repository.js';
import { SessionsRepository } from './db/sessions-repository.js';
import { ALL_MEMBERS } from './domain/scope.js';
import {
  benefitChangeNotice,
  pointsExpiringNotice,
  sanctionAppliedNotice,
  sanctionLiftedNotice,
  tierChangedNotice,
} from './domain/notices.js';
import { requestedNotice, requestedNoticeId } from './domain/notice-templates/index.js';

/** Every member's inbox, inside the consumer's transaction. */
const inboxIn = (tx: Db) => new InboxRepository(tx, ALL_MEMBERS);

/** How identity consumes: whether must-tell notices are also emailed (NOTIFIER=deliver). */
export interface ConsumerOptions {
  emailOutOfApp: boolean;
}

/**
 * What identity does with other subgraphs' events: notices in members' inboxes, and for
 * the notices the terms say must reach members outside the app, their email copies in the
 * delivery outbox. Each handler writes only through `tx` (the consumer's transaction, which
 * also marks the event done); an event for an unknown or erased member does nothing.
 */
export function identityHandlers(options: ConsumerOptions) {
  /** Emails the notices made from `eventId` when the notice must reach members outside the app. */
  const tell = async (tx: Db, notice: NoticeText, eventId: string, at: Date) => {
    if (notice.outOfApp && options.emailOutOfApp) await inboxIn(tx).emailNotices(eventId, at);
  };
  return {
    TierChanged: async (tx, event) => {
      const repo = inboxIn(tx);
      await repo.setAudience(event.payload.memberId, event.payload.to, event.occurredAt);
      const notice = tierChangedNotice(event.payload);
      if (!notice) return;
      await repo.addForMember(event.payload.memberId, notice, { eventId: event.id, at: event.occurredAt });
      await tell(tx, notice, event.id, event.occurredAt);
    },
    SanctionApplied: async (tx, event) => {
      const sanction = event.payload;
      if (sanction.kind === 'BAN') {
        // Banned: no sign-in until it is lifted or ends, and every session ends now (the
        // gateway's session check refuses the access tokens within seconds).
        await new BansRepository(tx).apply({
          sanctionId: sanction.sanctionId,
          memberId: sanction.memberId,
          endsAt: sanction.endsAt ? new Date(sanction.endsAt) : null,
          appliedAt: sanction.effectiveAt ? new Date(sanction.effectiveAt) : event.occurredAt,
        });
        await new SessionsRepository(tx).revokeAllForMember(sanction.memberId, event.occurredAt, 'ban');
      }
      const notice = sanctionAppliedNotice(sanction);
      await inboxIn(tx).addForMember(sanction.memberId, notice, { eventId: event.id, at: event.occurredAt });
      await tell(tx, notice, event.id, event.occurredAt);
    },
    SanctionLifted: async (tx, event) => {
      if (event.payload.kind === 'BAN') await new BansRepository(tx).lift(event.payload.sanctionId);
      await inboxIn(tx).addForMember(event.payload.memberId, sanctionLiftedNotice(event.payload), {
        eventId: event.id,
        at: event.occurredAt,
      });
    },
    PointsExpiring: async (tx, event) => {
      await inboxIn(tx).addForMember(event.payload.memberId, pointsExpiringNotice(event.payload), {
        eventId: event.id,
        at: event.occurredAt,
      });
    },
    BenefitChangeAnnounced: async (tx, event) => {
      const notice = benefitChangeNotice(event.payload);
      await inboxIn(tx).addForTier(event.payload.tier, notice, { eventId: event.id, at: event.occurredAt });
      await tell(tx, notice, event.id, event.occurredAt);
    },
    MemberNoticeRequested: async (tx, event) => {
      const request = event.payload;
      const notice = requestedNotice(request);
      const eventId = requestedNoticeId(request, event.id);
      await inboxIn(tx).addForMember(request.memberId, notice, { eventId, at: event.occurredAt });
      await tell(tx, notice, eventId, event.occurredAt);
    },
  } satisfies EventHandlers;
}
