import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { eq, sum } from 'drizzle-orm';
import { createScratchDatabase, openDatabase, type Database } from '@membership/db';
import { DomainError, type Cursor } from '@membership/domain';
import { PointsRepository } from '../src/db/points-repository.js';
import { accounts, ledger } from '../src/db/schema.js';
import { seedPoints } from '../src/db/seed.js';
import { postChange, welcomeMember } from '../src/domain/ledger.js';
import { migrationsFolder } from '../src/subgraph.js';

let database: Database;
let repository: PointsRepository;
let dropScratch: (() => Promise<void>) | undefined;
const registeredAt = new Date('2026-11-01T08:00:00.000Z');
const seededAt = new Date('2026-11-02T08:00:00.000Z');
const [ana, bo, chen] = [randomUUID(), randomUUID(), randomUUID()];

beforeAll(async () => {
  const scratch = process.env.TEST_DATABASE_URL ? await createScratchDatabase(process.env.TEST_DATABASE_URL) : undefined;
  dropScratch = scratch?.drop;
  database = await openDatabase(scratch ? { url: scratch.url, poolSize: 3 } : {});
  await database.migrate(migrationsFolder, 'points');
  repository = new PointsRepository(database.db);
  for (const id of [ana, bo, chen]) await welcomeMember(repository, id, registeredAt);
  await seedPoints({ database, memberIds: [ana, bo, chen], now: seededAt });
});

afterAll(async () => {
  await database?.close();
  await dropScratch?.();
});

async function ledgerSum(memberId: string): Promise<number> {
  const [row] = await database.db.select({ total: sum(ledger.delta).mapWith(Number) }).from(ledger).where(eq(ledger.memberId, memberId));
  return row?.total ?? 0;
}

describe('the points ledger', () => {
  it('keeps each demo member\'s balance equal to the sum of their seeded ledger', async () => {
    const balances = await repository.balances([ana, bo, chen]);
    expect(Object.fromEntries(balances)).toEqual({ [ana]: 270, [bo]: 145, [chen]: 100 });
    for (const id of [ana, bo, chen]) expect(await ledgerSum(id)).toBe(balances.get(id));
  });

  it('changes nothing when the seed runs a second time', async () => {
    await seedPoints({ database, memberIds: [ana, bo, chen], now: new Date('2026-11-03T08:00:00.000Z') });
    expect(Object.fromEntries(await repository.balances([ana, bo]))).toEqual({ [ana]: 270, [bo]: 145 });
    expect(await database.db.select().from(ledger).where(eq(ledger.memberId, ana))).toHaveLength(4);
  });

  it('reads a page of history for several members in one statement, newest first', async () => {
    const before = database.statementCount();
    const pages = await repository.histories([ana, bo, chen], 2);
    expect(database.statementCount() - before).toBe(1);
    // first + 1 rows, so the caller knows another page follows.
    expect(pages.get(ana)!.map((e) => [e.delta, e.reason])).toEqual([[-30, 'ADJUSTMENT'], [80, 'ORDER'], [120, 'ORDER']]);
    expect(pages.get(bo)!.map((e) => [e.delta, e.reason])).toEqual([[45, 'ORDER'], [100, 'WELCOME']]);
    expect(pages.get(chen)!.map((e) => e.reason)).toEqual(['WELCOME']);
  });

  it('continues Ana\'s history after a cursor without repeating an entry', async () => {
    const first = (await repository.histories([ana], 2)).get(ana)!;
    const after: Cursor = { at: first[1]!.createdAt, id: first[1]!.id };
    const rest = (await repository.histories([ana], 2, after)).get(ana)!;
    expect(rest.map((e) => [e.delta, e.reason])).toEqual([[120, 'ORDER'], [100, 'WELCOME']]);
  });

  it('refuses an adjustment that would make Chen\'s balance negative and writes nothing', async () => {
    const attempt = postChange(repository, { memberId: chen, delta: -101, reason: 'ADJUSTMENT', idempotencyKey: 'test:chen:too-much', at: seededAt });
    await expect(attempt).rejects.toBeInstanceOf(DomainError);
    const [account] = await database.db.select().from(accounts).where(eq(accounts.memberId, chen));
    expect(account!.balance).toBe(100);
    expect(await repository.entryByKey('test:chen:too-much')).toBeUndefined();
  });

  it('returns the first entry when a change is replayed with the same key, and refuses the key for a different change', async () => {
    const change = { memberId: bo, delta: 10, reason: 'ADJUSTMENT' as const, idempotencyKey: 'test:bo:goodwill', at: seededAt };
    const first = await postChange(repository, change);
    const again = await postChange(repository, change);
    expect(again).toEqual({ entry: first.entry, replayed: true });
    expect((await repository.balances([bo])).get(bo)).toBe(155);
    await expect(postChange(repository, { ...change, delta: 20 })).rejects.toMatchObject({ code: 'CONFLICT' });
  });
});
