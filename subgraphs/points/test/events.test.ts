import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { createLogger, type Logger } from '@membership/config';
import { createScratchDatabase, openDatabase, type Database, type Db } from '@membership/db';
import {
  deliveries,
  eventLog,
  eventsMigrationsFolder,
  EventContractError,
  recordEvent,
  relayOutbox,
  type EventHandler,
} from '@membership/events';
import { accountsFor, createIdentity, seedIdentity } from '@membership/identity';
import type { SubgraphModule } from '@membership/subgraph';
import { accounts, inbox, ledger, outbox } from '../src/db/schema.js';
import { createPointsConsumer, pointsHandlers } from '../src/events.js';
import { migrationsFolder } from '../src/subgraph.js';

const env = { NODE_ENV: 'test', JWT_SECRET: 'test-jwt-secret-0123456789abcdef0123456789' };
const logger = createLogger('points-events-test', 'silent');

let database: Database;
let identity: SubgraphModule;
let dropScratch: (() => Promise<void>) | undefined;
let registered = 0;

beforeAll(async () => {
  const scratch = process.env.TEST_DATABASE_URL ? await createScratchDatabase(process.env.TEST_DATABASE_URL) : undefined;
  dropScratch = scratch?.drop;
  database = await openDatabase(scratch ? { url: scratch.url, poolSize: 3 } : {});
  identity = createIdentity({ database, env, logger });
  await database.migrate(eventsMigrationsFolder, 'events');
  await database.migrate(identity.migrationsFolder, 'identity');
  await database.migrate(migrationsFolder, 'points');
  // Subscribes points to MemberRegistered before anything is published.
  await createPointsConsumer(database.db).subscribe();
});

afterAll(async () => {
  await database?.close();
  await dropScratch?.();
});

/** Registers a new member through identity's real registration path and publishes its MemberRegistered. */
async function registerMember(displayName: string): Promise<string> {
  const id = randomUUID();
  registered++;
  await seedIdentity(accountsFor({ database, env, logger }), [
    { id, displayName, email: `${displayName.toLowerCase()}${registered}@example.com`, password: 'Points-test-2026' },
  ]);
  expect(await relayOutbox(database.db, identity.producer!, 'identity')).toBe(1);
  return id;
}

/** Points' delivery of the member's MemberRegistered event. */
async function deliveryOf(memberId: string) {
  const [event] = await database.db
    .select({ id: eventLog.eventId })
    .from(eventLog)
    .where(sql`${eventLog.payload}->>'memberId' = ${memberId}`);
  const where = and(eq(deliveries.consumer, 'points'), eq(deliveries.eventId, event!.id));
  const [row] = await database.db.select().from(deliveries).where(where);
  return { row: row!, redeliver: () => database.db.update(deliveries).set({ deliveredAt: null }).where(where) };
}

async function pointsOf(memberId: string) {
  const [account] = await database.db.select().from(accounts).where(eq(accounts.memberId, memberId));
  const entries = await database.db.select().from(ledger).where(eq(ledger.memberId, memberId));
  return { balance: account?.balance, entries };
}

describe('points consumes MemberRegistered exactly once', () => {
  beforeEach(async () => {
    // Each test starts with nothing left in points' queue from the one before.
    await createPointsConsumer(database.db).consumeOnce();
  });

  it("opens Ana's account with 100 welcome points when she registers", async () => {
    const ana = await registerMember('Ana');
    expect(await createPointsConsumer(database.db).consumeOnce()).toBe(1);
    const { balance, entries } = await pointsOf(ana);
    expect(balance).toBe(100);
    expect(entries.map((e) => [e.delta, e.reason, e.idempotencyKey])).toEqual([[100, 'WELCOME', `welcome:${ana}`]]);
  });

  it("credits Bo's welcome points once when his MemberRegistered is delivered twice", async () => {
    const bo = await registerMember('Bo');
    const consumer = createPointsConsumer(database.db);
    expect(await consumer.consumeOnce()).toBe(1);
    const delivery = await deliveryOf(bo);
    expect(delivery.row.deliveredAt).not.toBeNull();

    // The broker hands the same event over again.
    await delivery.redeliver();
    expect(await consumer.consumeOnce()).toBe(1);
    expect((await deliveryOf(bo)).row.deliveredAt).not.toBeNull();

    const { balance, entries } = await pointsOf(bo);
    expect(balance).toBe(100);
    expect(entries).toHaveLength(1);
  });

  it("credits Chen's welcome points once even when the inbox has lost the event, because the welcome key is spent", async () => {
    const chen = await registerMember('Chen');
    const consumer = createPointsConsumer(database.db);
    expect(await consumer.consumeOnce()).toBe(1);
    const delivery = await deliveryOf(chen);
    await database.db.delete(inbox).where(eq(inbox.eventId, delivery.row.eventId));
    await delivery.redeliver();
    expect(await consumer.consumeOnce()).toBe(1);

    const { balance, entries } = await pointsOf(chen);
    expect(balance).toBe(100);
    expect(entries).toHaveLength(1);
  });

  it("leaves nothing written when the consumer crashes before committing Dee's welcome, and credits her once on redelivery", async () => {
    const dee = await registerMember('Dee');
    let crashes = 0;
    const crashingOnce: EventHandler<'MemberRegistered'> = async (tx, event) => {
      await pointsHandlers.MemberRegistered(tx, event);
      if (crashes++ === 0) throw new Error('process died after writing, before commit');
    };
    const consumer = createPointsConsumer(database.db, {
      handlers: { MemberRegistered: crashingOnce },
      retryDelayMs: () => 0,
    });

    expect(await consumer.consumeOnce()).toBe(0);
    expect(crashes).toBe(1);
    expect(await pointsOf(dee)).toEqual({ balance: undefined, entries: [] });
    const { row } = await deliveryOf(dee);
    expect(await database.db.select().from(inbox).where(eq(inbox.eventId, row.eventId))).toEqual([]);
    expect(row).toMatchObject({ deliveredAt: null, attempts: 1 });
    expect(row.lastError).toContain('process died');

    expect(await consumer.consumeOnce()).toBe(1);
    expect(crashes).toBe(2);
    const { balance, entries } = await pointsOf(dee);
    expect(balance).toBe(100);
    expect(entries.map((e) => [e.delta, e.reason])).toEqual([[100, 'WELCOME']]);
  });
});

/** A logger that keeps what it is told at error level: how the consumer says an event went wrong. */
function errorsLogged(): { logger: Logger; errors: { msg: string; fields?: Record<string, unknown> }[] } {
  const errors: { msg: string; fields?: Record<string, unknown> }[] = [];
  return { logger: { ...logger, error: (msg, fields) => errors.push({ msg, fields }) }, errors };
}

describe('the event contract at points', () => {
  it('a MemberRegistered with a channel the contract does not know (wechat) is logged, never marked processed, retried with backoff and parked after 3 attempts; the next event still gets through', async () => {
    await createPointsConsumer(database.db).consumeOnce();
    const stranger = randomUUID();
    const eventId = randomUUID();
    let clock = new Date();
    await database.db.insert(eventLog).values({
      eventId,
      type: 'MemberRegistered',
      producer: 'identity',
      payload: { memberId: stranger, registeredAt: clock.toISOString(), channel: 'wechat' },
      occurredAt: clock,
      publishedAt: clock,
    });
    await database.db.insert(deliveries).values({ consumer: 'points', eventId, availableAt: clock });
    const eve = await registerMember('Eve');
    clock = new Date();
    const { logger: recording, errors } = errorsLogged();
    const consumer = createPointsConsumer(database.db, { logger: recording, now: () => clock, maxAttempts: 3 });
    const delivery = async () => {
      const [row] = await database.db
        .select()
        .from(deliveries)
        .where(and(eq(deliveries.consumer, 'points'), eq(deliveries.eventId, eventId)));
      return row!;
    };

    // Eve's well-formed event behind it is handled; the broken one is not.
    expect(await consumer.consumeOnce()).toBe(1);
    expect((await pointsOf(eve)).balance).toBe(100);
    expect(await delivery()).toMatchObject({
      attempts: 1,
      deliveredAt: null,
      parkedAt: null,
      availableAt: new Date(clock.getTime() + 1000),
    });
    expect((await delivery()).lastError).toMatch(/MemberRegistered payload breaks the event contract: channel: /);
    expect(errors).toEqual([
      {
        msg: 'event payload breaks the contract; not handled',
        fields: expect.objectContaining({
          consumer: 'points',
          eventId,
          type: 'MemberRegistered',
          attempts: 1,
          parked: false,
          issues: [expect.objectContaining({ path: ['channel'] })],
        }),
      },
    ]);
    expect(await database.db.select().from(inbox).where(eq(inbox.eventId, eventId))).toEqual([]);
    expect(await pointsOf(stranger)).toEqual({ balance: undefined, entries: [] });

    // Not before its backoff is over; then twice more, each time waiting longer.
    expect(await consumer.consumeOnce()).toBe(0);
    expect((await delivery()).attempts).toBe(1);
    clock = new Date(clock.getTime() + 1000);
    await consumer.consumeOnce();
    expect(await delivery()).toMatchObject({ attempts: 2, parkedAt: null, availableAt: new Date(clock.getTime() + 2000) });
    clock = new Date(clock.getTime() + 2000);
    await consumer.consumeOnce();
    expect(await delivery()).toMatchObject({ attempts: 3, deliveredAt: null, parkedAt: clock });
    expect(errors.map((e) => [e.fields?.attempts, e.fields?.parked])).toEqual([
      [1, false],
      [2, false],
      [3, true],
    ]);

    // Parked: a day later it is still there, still unprocessed, and nobody retries it.
    clock = new Date(clock.getTime() + 86_400_000);
    expect(await consumer.consumeOnce()).toBe(0);
    expect(await delivery()).toMatchObject({ attempts: 3, deliveredAt: null });
    expect(errors).toHaveLength(3);
    expect(await pointsOf(stranger)).toEqual({ balance: undefined, entries: [] });
  });

  it('a PointsExpiring for 0 points is refused when it is recorded, and the account opened in the same transaction is rolled back', async () => {
    const memberId = randomUUID();
    const opening = database.db.transaction(async (tx) => {
      await tx.insert(accounts).values({ memberId, openedAt: new Date() });
      await recordEvent(tx as unknown as Db, outbox, 'PointsExpiring', { memberId, points: 0, expiresAt: '2027-01-31T23:59:59Z' });
    });
    await expect(opening).rejects.toBeInstanceOf(EventContractError);
    expect(await pointsOf(memberId)).toEqual({ balance: undefined, entries: [] });
    expect(
      await database.db
        .select()
        .from(outbox)
        .where(sql`${outbox.payload}->>'memberId' = ${memberId}`),
    ).toEqual([]);
  });
});
