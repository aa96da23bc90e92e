import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { eq, sum } from 'drizzle-orm';
import { createScratchDatabase, openDatabase, type Database } from '@membership/db';
import { DomainError, type Cursor } from '@membership/domain';
import { PointsRepository } from '../src/db/points-repository.js';
import { accounts, ledger, lots, lotUsages } from '../src/db/schema.js';
import { seedPoints } from '../src/db/seed.js';
import { clawbackIn, earnIn, postChange, restoreIn, spendIn, welcomeMember } from '../src/domain/ledger.js';
import { migrationsFolder } from '../src/subgraph.js';

let database: Database;
let repository: PointsRepository;
let dropScratch: (() => Promise<void>) | undefined;
const registeredAt = new Date('2026-11-01T08:00:00.000Z');
const seededAt = new Date('2026-11-02T08:00:00.000Z');
const expiresAt = new Date('2027-12-31T23:59:59.999Z');
const [ana, bo, chen, dee] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];

beforeAll(async () => {
  const scratch = process.env.TEST_DATABASE_URL ? await createScratchDatabase(process.env.TEST_DATABASE_URL) : undefined;
  dropScratch = scratch?.drop;
  database = await openDatabase(scratch ? { url: scratch.url, poolSize: 12 } : {});
  await database.migrate(migrationsFolder, 'points');
  repository = new PointsRepository(database.db);
  for (const id of [ana, bo, chen, dee]) await welcomeMember(repository, id, registeredAt, expiresAt);
  // Ana in the fourth place, the demo member with a seeded history.
  await seedPoints({ database, memberIds: [bo, chen, dee, ana], now: seededAt });
});

afterAll(async () => {
  await database?.close();
  await dropScratch?.();
});

async function ledgerSum(memberId: string): Promise<number> {
  const [row] = await database.db
    .select({ total: sum(ledger.delta).mapWith(Number) })
    .from(ledger)
    .where(eq(ledger.memberId, memberId));
  return row?.total ?? 0;
}

describe('the points ledger', () => {
  it("keeps each demo member's balance equal to the sum of their seeded ledger", async () => {
    const balances = await repository.balances([ana, bo, chen]);
    expect(Object.fromEntries(balances)).toEqual({ [ana]: 270, [bo]: 100, [chen]: 100 });
    for (const id of [ana, bo, chen]) expect(await ledgerSum(id)).toBe(balances.get(id));
  });

  it('changes nothing when the seed runs a second time', async () => {
    await seedPoints({ database, memberIds: [bo, chen, dee, ana], now: new Date('2026-11-03T08:00:00.000Z') });
    expect(Object.fromEntries(await repository.balances([ana, bo]))).toEqual({ [ana]: 270, [bo]: 100 });
    expect(await database.db.select().from(ledger).where(eq(ledger.memberId, ana))).toHaveLength(4);
  });

  it('reads a page of history for several members in one statement, newest first', async () => {
    const before = database.statementCount();
    const pages = await repository.histories([ana, bo, chen], 2);
    expect(database.statementCount() - before).toBe(1);
    // first + 1 rows, so the caller knows another page follows.
    expect(pages.get(ana)!.map((e) => [e.delta, e.reason])).toEqual([
      [-30, 'ADJUSTMENT'],
      [80, 'SUGGESTION'],
      [120, 'TASK'],
    ]);
    expect(pages.get(bo)!.map((e) => [e.delta, e.reason])).toEqual([[100, 'WELCOME']]);
    expect(pages.get(chen)!.map((e) => e.reason)).toEqual(['WELCOME']);
  });

  it("continues Ana's history after a cursor without repeating an entry", async () => {
    const first = (await repository.histories([ana], 2)).get(ana)!;
    const after: Cursor = { at: first[1]!.createdAt, id: first[1]!.id };
    const rest = (await repository.histories([ana], 2, after)).get(ana)!;
    expect(rest.map((e) => [e.delta, e.reason])).toEqual([
      [120, 'TASK'],
      [100, 'WELCOME'],
    ]);
  });

  it("refuses an adjustment that would make Chen's balance negative and writes nothing", async () => {
    const attempt = postChange(repository, {
      memberId: chen,
      delta: -101,
      reason: 'ADJUSTMENT',
      source: 'staff',
      idempotencyKey: 'test:chen:too-much',
      at: seededAt,
      expiresAt,
    });
    await expect(attempt).rejects.toBeInstanceOf(DomainError);
    const [account] = await database.db.select().from(accounts).where(eq(accounts.memberId, chen));
    expect(account!.balance).toBe(100);
    expect(await repository.entryByKey('test:chen:too-much')).toBeUndefined();
  });

  it('returns the first entry when a change is replayed with the same key, and refuses the key for a different change', async () => {
    const change = {
      memberId: bo,
      delta: 10,
      reason: 'ADJUSTMENT' as const,
      source: 'staff' as const,
      idempotencyKey: 'test:bo:goodwill',
      at: seededAt,
      expiresAt,
    };
    const first = await postChange(repository, change);
    const again = await postChange(repository, change);
    expect(again).toEqual({ entry: first.entry, replayed: true });
    expect((await repository.balances([bo])).get(bo)).toBe(110);
    await expect(postChange(repository, { ...change, delta: 20 })).rejects.toMatchObject({ code: 'CONFLICT' });
  });
});

/** A member with an account and lots of `amounts` points expiring on `dates`, nothing else. */
async function memberWithLots(lotsToMake: [number, string][]): Promise<string> {
  const id = randomUUID();
  await repository.openAccount(id, registeredAt);
  for (const [i, [points, expires]] of lotsToMake.entries()) {
    await repository.transaction((tx) =>
      earnIn(tx, {
        memberId: id,
        points,
        reason: 'TASK',
        source: 'task',
        idempotencyKey: `lot:${id}:${i}`,
        at: registeredAt,
        expiresAt: new Date(expires),
      }),
    );
  }
  return id;
}

async function lotsOf(memberId: string) {
  const rows = await database.db.select().from(lots).where(eq(lots.memberId, memberId));
  return Object.fromEntries(rows.map((l) => [l.expiresAt.toISOString().slice(0, 10), l.remaining]));
}

async function accountOf(memberId: string) {
  const [row] = await database.db.select().from(accounts).where(eq(accounts.memberId, memberId));
  return { balance: row!.balance, debt: row!.debt };
}

const at = new Date('2026-11-05T08:00:00.000Z');

describe('lots, restores and debt in the database', () => {
  it('a spending takes the lots nearest expiry first, and a restore gives exactly those lots back with their expiry', async () => {
    const eve = await memberWithLots([
      [50, '2028-12-31'],
      [30, '2027-03-31'],
      [20, '2027-12-31'],
    ]);
    const holdId = randomUUID();
    await repository.transaction((tx) =>
      spendIn(tx, { memberId: eve, points: 40, reason: 'ORDER_OFFSET', source: 'order', idempotencyKey: `spend:${eve}`, at, holdId }),
    );
    expect(await lotsOf(eve)).toEqual({ '2027-03-31': 0, '2027-12-31': 10, '2028-12-31': 50 });
    expect(await accountOf(eve)).toEqual({ balance: 60, debt: 0 });

    // Something else is spent in between: the restore still goes to the lots the hold used.
    await repository.transaction((tx) =>
      spendIn(tx, { memberId: eve, points: 10, reason: 'STORE', source: 'store', idempotencyKey: `other:${eve}`, at }),
    );
    expect(await lotsOf(eve)).toEqual({ '2027-03-31': 0, '2027-12-31': 0, '2028-12-31': 50 });
    await repository.transaction((tx) =>
      restoreIn(tx, {
        memberId: eve,
        holdId,
        points: 40,
        kind: 'restore',
        reason: 'REFUND',
        source: 'order',
        idempotencyKey: `restore:${eve}`,
        at,
      }),
    );
    expect(await lotsOf(eve)).toEqual({ '2027-03-31': 30, '2027-12-31': 10, '2028-12-31': 50 });
    expect(await accountOf(eve)).toEqual({ balance: 90, debt: 0 });
    expect(await ledgerSum(eve)).toBe(90);
  });

  it('a clawback beyond the balance leaves a recorded debt that the next earning pays first', async () => {
    const fay = await memberWithLots([[30, '2027-12-31']]);
    const clawed = await repository.transaction((tx) =>
      clawbackIn(tx, { memberId: fay, points: 80, reason: 'REFUND', source: 'order', idempotencyKey: `claw:${fay}`, at }),
    );
    expect(clawed).toMatchObject({ taken: 30, debt: 50 });
    expect(await accountOf(fay)).toEqual({ balance: 0, debt: 50 });
    await repository.transaction((tx) =>
      earnIn(tx, {
        memberId: fay,
        points: 70,
        reason: 'ORDER',
        source: 'order',
        idempotencyKey: `earn:${fay}`,
        at,
        expiresAt: new Date('2028-12-31'),
      }),
    );
    expect(await accountOf(fay)).toEqual({ balance: 20, debt: 0 });
    expect(await lotsOf(fay)).toEqual({ '2027-12-31': 0, '2028-12-31': 20 });
    const entries = await database.db.select().from(ledger).where(eq(ledger.memberId, fay));
    // Every point is accounted for: balance = sum of deltas, debt = sum of debt deltas.
    expect(entries.reduce((n, e) => n + e.delta, 0)).toBe(20);
    expect(entries.reduce((n, e) => n + e.debtDelta, 0)).toBe(0);
    expect(entries.map((e) => [e.kind, e.delta, e.debtDelta]).sort()).toEqual(
      [
        ['clawback', -30, 50],
        ['earn', 20, -50],
        ['earn', 30, 0],
      ].sort(),
    );
  });

  it('the expiry job expires exactly the due lots, set-based, and running it again changes nothing', async () => {
    const gus = await memberWithLots([
      [25, '2026-11-30'],
      [35, '2026-12-31'],
      [40, '2027-12-31'],
    ]);
    const day = new Date('2026-12-01T00:00:00.000Z');
    const before = database.statementCount();
    const first = await repository.transaction((tx) => tx.expireDue(day));
    expect(database.statementCount() - before).toBeLessThanOrEqual(3);
    expect(first.lots).toBeGreaterThanOrEqual(1);
    expect(await lotsOf(gus)).toEqual({ '2026-11-30': 0, '2026-12-31': 35, '2027-12-31': 40 });
    expect(await accountOf(gus)).toEqual({ balance: 75, debt: 0 });
    expect(await ledgerSum(gus)).toBe(75);
    const again = await repository.transaction((tx) => tx.expireDue(day));
    expect(again).toEqual({ lots: 0, members: 0, points: 0 });
    expect(await accountOf(gus)).toEqual({ balance: 75, debt: 0 });
  });
});

describe.skipIf(!process.env.TEST_DATABASE_URL)('no overspend under concurrency (Postgres)', () => {
  it('50 concurrent redemptions against a balance that covers 10: exactly 10 succeed, the rest INSUFFICIENT_POINTS, the balance exact', async () => {
    const hal = await memberWithLots([
      [300, '2027-06-30'],
      [200, '2027-12-31'],
    ]);
    const attempts = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) =>
        repository.transaction((tx) =>
          spendIn(tx, { memberId: hal, points: 50, reason: 'STORE', source: 'store', idempotencyKey: `race:${hal}:${i}`, at }),
        ),
      ),
    );
    const ok = attempts.filter((a) => a.status === 'fulfilled');
    const refused = attempts.filter((a): a is PromiseRejectedResult => a.status === 'rejected');
    expect(ok).toHaveLength(10);
    expect(refused.map((r) => (r.reason as DomainError).code)).toEqual(Array(40).fill('INSUFFICIENT_POINTS'));
    expect(await accountOf(hal)).toEqual({ balance: 0, debt: 0 });
    expect(await ledgerSum(hal)).toBe(0);
    expect(await lotsOf(hal)).toEqual({ '2027-06-30': 0, '2027-12-31': 0 });
    const used = await database.db.select().from(lotUsages).innerJoin(lots, eq(lots.id, lotUsages.lotId)).where(eq(lots.memberId, hal));
    expect(used.reduce((n, u) => n + u.lot_usages.points, 0)).toBe(500);
  });
});
