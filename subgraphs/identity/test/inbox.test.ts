import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sql } from '@membership/db';
import { deliveries, eventLog, type EventInput, EventCatalog, type EventType } from '@membership/events';
import { DEMO_MEMBERS } from '@membership/stack';
import { type TestStack } from '@membership/testing';
import { useTestStack } from '@membership/testing/per-file';
import { identityHandlers } from '../src/consumer.js';

let clock = new Date();
let stack: TestStack;
useTestStack({
  now: () => clock,
  beforeEachTest: () => (clock = new Date(clock.getTime() + 1000)),
  // This file is about the notices identity writes from other subgraphs' events. The demo orders'
  // "points now available" notices (points' own, tested there) are set aside so the counts below
  // are about those events only.
  started: async (s) => {
    stack = s;
    await s.database.rows(sql`delete from identity.inbox_notices where kind = 'points'`);
  },
});

const [ANA, BO, CHEN] = DEMO_MEMBERS;
const INBOX = `query ($first: Int, $after: String, $unreadOnly: Boolean) {
  me { inbox(first: $first, after: $after, unreadOnly: $unreadOnly) { unreadCount pageInfo { hasNextPage endCursor } edges { node { id kind title body createdAt readAt } } } }
}`;
const READ = `mutation ($id: ID!) { markNoticeRead(id: $id) { id readAt } }`;
const codeOf = (res: { body: { errors?: { extensions?: { code?: string } }[] } }) => res.body.errors?.[0]?.extensions?.code;
const token = (m: { id: string }) => stack.memberToken(m.id);
const inboxOf = async (m: { id: string }, vars: Record<string, unknown> = {}) =>
  (await stack.gql(INBOX, vars, { token: await token(m) })).body.data.me.inbox;

/** Publishes an event as another subgraph would, into identity's queue only; drain to apply it. */
async function publish<T extends EventType>(type: T, payload: EventInput[T], producer = 'test'): Promise<string> {
  const eventId = randomUUID();
  await stack.database.db.insert(eventLog).values({ eventId, type, producer, payload, occurredAt: clock, publishedAt: clock });
  await stack.database.db.insert(deliveries).values({ consumer: 'identity', eventId, availableAt: clock });
  await stack.drainEvents();
  return eventId;
}
async function noticeCount(): Promise<number> {
  const [row] = await stack.database.rows<{ n: string | number }>(sql`select count(*) as n from identity.inbox_notices`);
  return Number(row?.n);
}

let anaTierNotice: string;

describe('notices from other subgraphs', () => {
  const kinds = (inbox: { edges: { node: { kind: string } }[] }) => inbox.edges.map((e) => e.node.kind);

  it('Ana and Chen find the tier changes the demo seed made, and Chen the warning moderation gave him (real events)', async () => {
    const ana = await inboxOf(ANA);
    expect(ana.edges.map((e: { node: unknown }) => e.node)).toEqual([
      expect.objectContaining({
        kind: 'TIER_CHANGED',
        title: 'Your tier is now Gold',
        body: 'You moved from Bronze to Gold.',
        readAt: null,
      }),
    ]);
    anaTierNotice = ana.edges[0].node.id;
    const chen = await inboxOf(CHEN);
    expect(chen.edges.map((e: { node: unknown }) => e.node)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'SANCTION_APPLIED', title: 'You received a warning' }),
        expect.objectContaining({ kind: 'TIER_CHANGED', title: 'Your tier is now Silver' }),
      ]),
    );
    expect(chen.unreadCount).toBe(2);
    expect(kinds(await inboxOf(BO))).toEqual([]);
  });

  it('Bo moves from Bronze to Silver and finds a notice saying so', async () => {
    await publish('TierChanged', { memberId: BO.id, from: 'BRONZE', to: 'SILVER', reason: 'qualifying_spend' });
    expect((await inboxOf(BO)).edges[0].node).toMatchObject({
      kind: 'TIER_CHANGED',
      title: 'Your tier is now Silver',
      createdAt: clock.toISOString(),
    });
  });

  it('Ana is told her points expire; Bo is told his benefits were restricted and then that they are restored', async () => {
    await publish('PointsExpiring', { memberId: ANA.id, points: 120, expiresAt: '2027-01-31T23:59:59Z' });
    expect((await inboxOf(ANA)).edges[0].node.title).toBe('120 points expire on 2027-01-31');
    const sanctionId = randomUUID();
    await publish('SanctionApplied', { sanctionId, memberId: BO.id, kind: 'RESTRICTED_BENEFITS' });
    clock = new Date(clock.getTime() + 1000);
    await publish('SanctionLifted', { sanctionId, memberId: BO.id, kind: 'RESTRICTED_BENEFITS' });
    const bo = await inboxOf(BO);
    expect(kinds(bo)).toEqual(['SANCTION_LIFTED', 'SANCTION_APPLIED', 'TIER_CHANGED']);
    expect(bo.edges.slice(0, 2).map((e: { node: { title: string } }) => e.node.title)).toEqual([
      'Your benefits are restored',
      'Your benefits were restricted',
    ]);
  });

  it('a benefit change for Silver reaches Bo and Chen (Silver) and not Ana (Gold); one for Gold reaches Ana only', async () => {
    await publish('BenefitChangeAnnounced', { tier: 'SILVER', benefit: 'Free shipping', effectiveAt: '2027-02-01T00:00:00Z' });
    expect((await inboxOf(BO)).edges[0].node).toMatchObject({
      kind: 'BENEFIT_CHANGE',
      title: 'A change to your Silver benefits',
      body: 'Free shipping changes from 2027-02-01.',
    });
    expect((await inboxOf(CHEN)).edges[0].node.kind).toBe('BENEFIT_CHANGE');
    expect(kinds(await inboxOf(ANA))).toEqual(['POINTS_EXPIRING', 'TIER_CHANGED']);
    clock = new Date(clock.getTime() + 1000);
    await publish('BenefitChangeAnnounced', { tier: 'GOLD', benefit: 'Lounge access', effectiveAt: '2027-03-01T00:00:00Z' });
    expect((await inboxOf(ANA)).edges[0].node).toMatchObject({ kind: 'BENEFIT_CHANGE', title: 'A change to your Gold benefits' });
    expect(kinds(await inboxOf(BO))[0]).toBe('BENEFIT_CHANGE');
    expect((await inboxOf(BO)).edges[0].node.title).toContain('Silver');
  });

  it('the same event handled twice leaves one notice (insert … on conflict do nothing, keyed by event id)', async () => {
    const event = {
      id: randomUUID(),
      type: 'PointsExpiring' as const,
      payload: { memberId: BO.id, points: 5, expiresAt: '2027-01-31T00:00:00Z' },
      occurredAt: clock,
    };
    const before = await noticeCount();
    await identityHandlers({ emailOutOfApp: false }).PointsExpiring(stack.database.db, event);
    await identityHandlers({ emailOutOfApp: false }).PointsExpiring(stack.database.db, event);
    expect(await noticeCount()).toBe(before + 1);
  });

  it('an event about a member identity does not know writes nothing and does not fail', async () => {
    const before = await noticeCount();
    const eventId = await publish('SanctionApplied', { sanctionId: randomUUID(), memberId: randomUUID(), kind: 'WARNING' });
    expect(await noticeCount()).toBe(before);
    const [delivery] = await stack.database.rows<{ delivered: boolean; last_error: string | null }>(
      sql`select delivered_at is not null as delivered, last_error from events.deliveries where consumer = 'identity' and event_id = ${eventId}`,
    );
    expect(delivery).toEqual({ delivered: true, last_error: null });
  });

  it('a SanctionApplied with a kind moderation does not have (SUSPENSION) gives Bo no notice, is never marked processed and ends parked', async () => {
    const before = await noticeCount();
    const broken = { sanctionId: randomUUID(), memberId: BO.id, kind: 'SUSPENSION' } as unknown as EventCatalog['SanctionApplied'];
    const eventId = await publish('SanctionApplied', broken);
    const delivery = async () =>
      (
        await stack.database.rows<{ delivered: boolean; parked: boolean; attempts: number; last_error: string }>(
          sql`select delivered_at is not null as delivered, parked_at is not null as parked, attempts, last_error from events.deliveries where consumer = 'identity' and event_id = ${eventId}`,
        )
      )[0];
    expect(await delivery()).toMatchObject({
      delivered: false,
      parked: false,
      attempts: 1,
      last_error: expect.stringMatching(/^SanctionApplied payload breaks the event contract: kind: /),
    });
    // Retried as its backoff allows (at most a minute apart), then parked for good.
    for (let i = 0; i < 15; i++) {
      clock = new Date(clock.getTime() + 61_000);
      await stack.drainEvents();
    }
    expect(await delivery()).toMatchObject({ delivered: false, parked: true, attempts: 12 });
    expect(await noticeCount()).toBe(before);
    expect(await stack.database.rows(sql`select 1 from identity.inbox where event_id = ${eventId}`)).toEqual([]);
  });
});

describe('reading the inbox', () => {
  it('Ana pages through her inbox one notice at a time, newest first', async () => {
    const all = await inboxOf(ANA);
    expect(all.edges).toHaveLength(3);
    const first = await inboxOf(ANA, { first: 1 });
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = await inboxOf(ANA, { first: 1, after: first.pageInfo.endCursor });
    expect(second.edges[0].node.id).toBe(all.edges[1].node.id);
  });

  it('Ana marks her tier notice read: it leaves her unread list, and marking it again keeps the first time', async () => {
    expect((await inboxOf(ANA)).unreadCount).toBe(3);
    const read = await stack.gql(READ, { id: anaTierNotice }, { token: await token(ANA) });
    expect(read.body.data.markNoticeRead).toEqual({ id: anaTierNotice, readAt: clock.toISOString() });
    const firstRead = clock.toISOString();
    clock = new Date(clock.getTime() + 60_000);
    const again = await stack.gql(READ, { id: anaTierNotice }, { token: await token(ANA) });
    expect(again.body.data.markNoticeRead.readAt).toBe(firstRead);
    const unread = await inboxOf(ANA, { unreadOnly: true });
    expect(unread.unreadCount).toBe(2);
    expect(unread.edges.map((e: { node: { id: string } }) => e.node.id)).not.toContain(anaTierNotice);
  });

  it("Bo cannot mark Ana's notice read (NOT_FOUND) and it stays as it was; a malformed id is BAD_USER_INPUT", async () => {
    const before = await stack.database.rows(sql`select read_at from identity.inbox_notices where id = ${anaTierNotice}`);
    expect(codeOf(await stack.gql(READ, { id: anaTierNotice }, { token: await token(BO) }))).toBe('NOT_FOUND');
    expect(codeOf(await stack.gql(READ, { id: 'nope' }, { token: await token(BO) }))).toBe('BAD_USER_INPUT');
    expect(await stack.database.rows(sql`select read_at from identity.inbox_notices where id = ${anaTierNotice}`)).toEqual(before);
  });

  it('an anonymous caller has no inbox and cannot mark notices', async () => {
    expect(codeOf(await stack.gql(READ, { id: anaTierNotice }))).toBe('UNAUTHENTICATED');
  });

  it('staff listing 2 or 4 members with their inboxes cost the same number of SQL statements', async () => {
    const t = await stack.staffToken(['members:read']);
    const list = `query ($first: Int!) { members(first: $first) { edges { node { inbox(first: 5) { unreadCount edges { node { kind } } } } } } }`;
    const statementsFor = async (first: number) => {
      const before = stack.database.statementCount();
      const res = await stack.gql(list, { first }, { token: t });
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data.members.edges).toHaveLength(first);
      return stack.database.statementCount() - before;
    };
    expect(await statementsFor(4)).toBe(await statementsFor(2));
  });
});

describe('notices other subgraphs request by template', () => {
  it('orders asks identity to tell Ana her payment arrived: the catalogue words, once however often it asks', async () => {
    const request = {
      memberId: ANA.id,
      template: 'orders.payment_confirmed',
      params: { orderNumber: 'M-2001', amount: '88.00', currency: 'CNY' },
      dedupeKey: 'payment-M-2001',
    };
    const before = await noticeCount();
    await publish('MemberNoticeRequested', request, 'orders');
    await publish('MemberNoticeRequested', request, 'orders');
    expect(await noticeCount()).toBe(before + 1);
    expect((await inboxOf(ANA)).edges[0].node).toMatchObject({
      kind: 'ORDERS',
      title: 'Payment received for order M-2001',
      body: 'We received 88.00 CNY. Your order is being prepared.',
    });
  });
});
