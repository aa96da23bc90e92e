import type { Db } from '@membership/db';
import type { EventHandlers } from '@membership/events';
import { StandingRepository } from './db/standing-repository.js';
import { TiersRepository } from './db/tiers-repository.js';
import type { Trigger } from './domain/decision.js';
import { reevaluateMember } from './domain/standing.js';
import { ENTRY_TIER } from './domain/tiers.js';

/** Events never announce a downgrade (only the periodic evaluation does), so they need no grace period. */
const EVENT_OPTIONS = { graceDays: 0 };

const reevaluate = (tx: Db, memberId: string, trigger: Trigger, now: Date, returnWindowEndsAt?: Date | null) =>
  reevaluateMember(new StandingRepository(tx), memberId, trigger, now, { ...EVENT_OPTIONS, returnWindowEndsAt });

const instant = (iso: string | null | undefined, fallback: Date) => (iso ? new Date(iso) : fallback);

/**
 * What tiers does with each event it consumes; each handler writes only through `tx`,
 * and takes effect once, in the transaction that marks the event done. Facts are kept by
 * their own ids (order, refund, sanction), so the same fact told twice counts once, and
 * each evaluation reads every fact there is, so the order events arrive in does not matter.
 */
export const tiersHandlers = {
  // A new member starts at the entry tier from the moment they registered; facts that
  // arrived before their registration are evaluated at once.
  MemberRegistered: async (tx, event, { now }) => {
    await new TiersRepository(tx).enrol(event.payload.memberId, ENTRY_TIER, new Date(event.payload.registeredAt));
    await reevaluate(tx, event.payload.memberId, 'qualifying_spend', now);
  },
  // Qualifying spend: an upgrade applies at once, and stays reversible by a refund until the return window ends.
  OrderPaid: async (tx, event, { now }) => {
    const p = event.payload;
    const fresh = await new StandingRepository(tx).recordPurchase({
      orderId: p.orderId,
      memberId: p.memberId,
      amount: p.amount,
      currency: p.currency,
      paidAt: new Date(p.paidAt),
      returnWindowEndsAt: p.returnWindowEndsAt ? new Date(p.returnWindowEndsAt) : null,
    });
    if (fresh) await reevaluate(tx, p.memberId, 'qualifying_spend', now, p.returnWindowEndsAt ? new Date(p.returnWindowEndsAt) : null);
  },
  RefundCompleted: async (tx, event, { now }) => {
    const r = event.payload;
    const fresh = await new StandingRepository(tx).recordRefund({
      refundId: r.refundId,
      orderId: r.orderId,
      memberId: r.memberId,
      amount: r.amount,
      currency: r.currency,
      completedAt: instant(r.completedAt, event.occurredAt),
    });
    if (fresh) await reevaluate(tx, r.memberId, 'refund', now);
  },
  MemberActivityRecorded: async (tx, event, { now }) => {
    const a = event.payload;
    const fresh = await new StandingRepository(tx).recordActivity({
      eventId: event.id,
      memberId: a.memberId,
      kind: a.kind,
      occurredAt: new Date(a.occurredAt),
    });
    if (fresh) await reevaluate(tx, a.memberId, 'activity', now);
  },
  // DOWNGRADE lowers the tier at once; any sanction but WARNING blocks upgrades while in force.
  SanctionApplied: async (tx, event, { now }) => {
    const s = event.payload;
    await new StandingRepository(tx).applySanction(
      { sanctionId: s.sanctionId, memberId: s.memberId, kind: s.kind },
      instant(s.effectiveAt, event.occurredAt),
      s.endsAt ? new Date(s.endsAt) : null,
    );
    await reevaluate(tx, s.memberId, 'sanction', now);
  },
  // Lifted or reversed on appeal: the tier is evaluated again, and a DOWNGRADE's tier restored.
  SanctionLifted: async (tx, event, { now }) => {
    const s = event.payload;
    await new StandingRepository(tx).liftSanction(
      { sanctionId: s.sanctionId, memberId: s.memberId, kind: s.kind },
      event.occurredAt,
      s.reason,
    );
    await reevaluate(tx, s.memberId, 'sanction_lifted', now);
  },
  // A tier is about the person only: nothing is kept (docs/DATA-RETENTION.md).
  MemberErased: async (tx, event) => {
    await new TiersRepository(tx).eraseMember(event.payload.memberId);
  },
} satisfies EventHandlers;
