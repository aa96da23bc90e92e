import type { Db } from '@membership/db';
import type { EventHandlers } from '@membership/events';
import { ComplaintsRepository } from './db/complaints-repository.js';
import { SanctionsRepository } from './db/sanctions-repository.js';

/** The consumer writes across all members: the scope no request ever gets. */
const complaintsIn = (tx: Db) => new ComplaintsRepository(tx, { all: true });

/**
 * What moderation does with each event it consumes; each handler writes only through `tx`,
 * and takes effect once, in the transaction that marks the event done.
 */
export const moderationHandlers = {
  // Sanctions, violations, reports and complaints stay as anonymous statistics, unlinked from the person (docs/DATA-RETENTION.md).
  MemberErased: async (tx, event) => {
    await new SanctionsRepository(tx).eraseMember(event.payload.memberId, new Date(event.payload.erasedAt));
    await complaintsIn(tx).eraseMember(event.payload.memberId);
  },
  // The tier decides the least priority the member's complaints get; the newest change wins.
  TierChanged: async (tx, event) => {
    await complaintsIn(tx).setTier(event.payload.memberId, event.payload.to, event.occurredAt);
  },
  // Objections to a change link to it and are due before it takes effect.
  BenefitChangeAnnounced: async (tx, event) => {
    const { changeId, tier, benefit, effectiveAt } = event.payload;
    if (!changeId) return;
    await complaintsIn(tx).recordBenefitChange({ changeId, tier, benefit, effectiveAt: new Date(effectiveAt) });
  },
} satisfies EventHandlers;
