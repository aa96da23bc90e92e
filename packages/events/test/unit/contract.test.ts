import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { pgSchema } from 'drizzle-orm/pg-core';
import type { Db } from '@membership/db';
import {
  EventContractError,
  SANCTION_KINDS,
  decodeEvent,
  outboxTable,
  parsePayload,
  recordEvent,
  type EventCatalog,
} from '../../src/index.js';

const memberId = randomUUID();
const sanctionId = randomUUID();
const outbox = outboxTable(pgSchema('moderation'));

/**
 * Stands in for the producer's transaction: any use of it is recorded. A unit test has
 * no database, and a rejected payload must not reach one anyway.
 */
function watchedTx(): { tx: Db; touched: string[] } {
  const touched: string[] = [];
  const tx = new Proxy({}, { get: (_target, prop) => (touched.push(String(prop)), () => ({ values: async () => undefined })) });
  return { tx: tx as Db, touched };
}

/** What the contract says about a payload: the paths it rejects, or none. */
function rejected(type: keyof EventCatalog, payload: unknown): string[] {
  try {
    parsePayload(type, payload);
    return [];
  } catch (error) {
    if (!(error instanceof EventContractError)) throw error;
    return error.issues.map((i) => i.path.join('.'));
  }
}

describe('the event contract', () => {
  it('accepts every sanction kind moderation has, and no other (RESTRICTION, ACCOUNT_BAN, lower case)', () => {
    for (const kind of SANCTION_KINDS) expect(rejected('SanctionApplied', { sanctionId, memberId, kind })).toEqual([]);
    for (const kind of ['RESTRICTION', 'ACCOUNT_BAN', 'warning', ''])
      expect(rejected('SanctionApplied', { sanctionId, memberId, kind })).toEqual(['kind']);
    expect(rejected('SanctionLifted', { sanctionId, memberId, kind: 'SUSPENSION' })).toEqual(['kind']);
  });

  it('names tiers, TierChanged reasons, channels and levels only by their real values', () => {
    expect(rejected('TierChanged', { memberId, from: 'BRONZE', to: 'SILVER', reason: 'qualifying_spend' })).toEqual([]);
    expect(rejected('TierChanged', { memberId, from: null, to: 'BRONZE', reason: 'registered' })).toEqual([]);
    expect(rejected('TierChanged', { memberId, from: 'SILVER', to: 'TITANIUM', reason: 'spend' })).toEqual(['to', 'reason']);
    expect(rejected('BenefitChangeAnnounced', { tier: 'Gold', benefit: 'Free shipping', effectiveAt: '2027-02-01T00:00:00Z' })).toEqual([
      'tier',
    ]);
    expect(rejected('MemberRegistered', { memberId, registeredAt: '2026-11-01T08:00:00.000Z', channel: 'wechat' })).toEqual(['channel']);
    expect(
      rejected('MemberVerificationChanged', { memberId, level: 'full', expiresAt: null, changedAt: '2026-11-01T08:00:00.000Z' }),
    ).toEqual(['level']);
  });

  it('refuses money as a fraction, a malformed id or instant, and a missing field', () => {
    const paid = { orderId: randomUUID(), memberId, amount: 12_900, currency: 'CNY', paidAt: '2026-11-01T08:00:00.000Z' };
    expect(rejected('OrderPaid', paid)).toEqual([]);
    expect(rejected('OrderPaid', { ...paid, amount: 129.5, currency: 'cny' })).toEqual(['amount', 'currency']);
    expect(rejected('OrderPaid', { ...paid, memberId: 'ana', paidAt: 'yesterday' })).toEqual(['memberId', 'paidAt']);
    expect(rejected('PointsExpiring', { memberId, expiresAt: '2027-01-31T23:59:59Z' })).toEqual(['points']);
  });

  it('rejects a wrong kind when it is produced: recordEvent throws before it writes anything', async () => {
    const { tx, touched } = watchedTx();
    const wrong = { sanctionId, memberId, kind: 'RESTRICTION' } as unknown as EventCatalog['SanctionApplied'];
    const recording = recordEvent(tx, outbox, 'SanctionApplied', wrong);
    await expect(recording).rejects.toBeInstanceOf(EventContractError);
    await expect(recording).rejects.toThrow(/SanctionApplied payload breaks the event contract: kind: /);
    expect(touched).toEqual([]);

    await recordEvent(tx, outbox, 'SanctionApplied', { sanctionId, memberId, kind: 'RESTRICTED_BENEFITS' });
    expect(touched).toEqual(['insert']);
  });

  it('rejects a wrong kind when it is consumed: the event a handler would get is never built', () => {
    const queued = { eventId: randomUUID(), type: 'SanctionApplied', occurredAt: new Date('2026-11-01T08:00:00Z') };
    expect(() => decodeEvent({ ...queued, payload: { sanctionId, memberId, kind: 'SUSPENSION' } })).toThrow(EventContractError);
    expect(() => decodeEvent({ ...queued, type: 'SanctionRevoked', payload: { sanctionId, memberId, kind: 'BAN' } })).toThrow(
      /unknown event type SanctionRevoked/,
    );
    expect(decodeEvent({ ...queued, payload: { sanctionId, memberId, kind: 'BAN', note: 'not in the contract' } })).toEqual({
      id: queued.eventId,
      type: 'SanctionApplied',
      // Fields added to the contract later read with their defaults, so old events still decode.
      payload: { sanctionId, memberId, kind: 'BAN', effectiveAt: null, endsAt: null },
      occurredAt: queued.occurredAt,
    });
  });
});
