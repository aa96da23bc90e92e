import type { Db } from '@membership/db';
import type { EventHandlers } from '@membership/events';
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

/**
 * What identity does with other subgraphs' events: notices in members' inboxes. Each
 * handler writes only through `tx` (the consumer's transaction, which also marks the event
 * done); an event for an unknown or erased member does nothing.
 */
export const identityHandlers = {
  TierChanged: async (tx, event) => {
    const repo = inboxIn(tx);
    await repo.setAudience(event.payload.memberId, event.payload.to, event.occurredAt);
    const notice = tierChangedNotice(event.payload);
    if (notice) await repo.addForMember(event.payload.memberId, notice, { eventId: event.id, at: event.occurredAt });
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
    await inboxIn(tx).addForMember(sanction.memberId, sanctionAppliedNotice(sanction), { eventId: event.id, at: event.occurredAt });
  },
  SanctionLifted: async (tx, event) => {
    if (event.payload.kind === 'BAN') await new BansRepository(tx).lift(event.payload.sanctionId);
    await inboxIn(tx).addForMember(event.payload.memberId, sanctionLiftedNotice(event.payload), { eventId: event.id, at: event.occurredAt });
  },
  PointsExpiring: async (tx, event) => {
    await inboxIn(tx).addForMember(event.payload.memberId, pointsExpiringNotice(event.payload), { eventId: event.id, at: event.occurredAt });
  },
  BenefitChangeAnnounced: async (tx, event) => {
    await inboxIn(tx).addForTier(event.payload.tier, benefitChangeNotice(event.payload), { eventId: event.id, at: event.occurredAt });
  },
  MemberNoticeRequested: async (tx, event) => {
    const request = event.payload;
    await inboxIn(tx).addForMember(request.memberId, requestedNotice(request), {
      eventId: requestedNoticeId(request, event.id),
      at: event.occurredAt,
    });
  },
} satisfies EventHandlers;
