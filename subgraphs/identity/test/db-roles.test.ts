/**
 * With Postgres each subgraph connects as its own role, which can use only its own schema
 * (and the shared event and job tables). PGlite has a single user and no roles to speak of,
 * so this runs only with TEST_DATABASE_URL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureSubgraphRoles, sql } from '@membership/db';
import { startTestStack, type TestStack } from '@membership/testing';

const onPostgres = Boolean(process.env.TEST_DATABASE_URL);
const SUBGRAPHS = ['identity', 'tiers', 'points', 'orders', 'moderation'];

describe.skipIf(!onPostgres)('subgraph database roles (Postgres only: skipped on PGlite, which has one user)', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
    await ensureSubgraphRoles(stack.database, SUBGRAPHS);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  /** Runs `query` as `role` in a transaction that is rolled back: the rows, or the error. */
  async function as(role: string, query: ReturnType<typeof sql>): Promise<unknown> {
    let rows: unknown;
    try {
      await stack.database.db.transaction(async (tx) => {
        await tx.execute(sql.raw(`set local role ${role}`));
        rows = await tx.execute(query);
        tx.rollback();
      });
      return rows;
    } catch (error) {
      if (rows !== undefined) return rows;
      const cause = (error as { cause?: { message?: string } }).cause;
      return new Error(cause?.message ?? (error as Error).message);
    }
  }

  it('the points role cannot read identity.members (permission denied), nor write there', async () => {
    expect(await as('membership_points', sql`select count(*) from identity.members`)).toEqual(
      expect.objectContaining({ message: expect.stringMatching(/permission denied/) }),
    );
    expect(await as('membership_points', sql`update identity.members set display_name = 'x'`)).toEqual(
      expect.objectContaining({ message: expect.stringMatching(/permission denied/) }),
    );
  });

  it('the points role reads its own tables and the shared event queue, and creates no table', async () => {
    const [own] = await stack.database.rows<{ name: string }>(
      sql`select table_name as name from information_schema.tables where table_schema = 'points' and table_type = 'BASE TABLE' order by table_name limit 1`,
    );
    expect(await as('membership_points', sql.raw(`select count(*) from points."${own!.name}"`))).not.toBeInstanceOf(Error);
    expect(await as('membership_points', sql`select count(*) from events.deliveries`)).not.toBeInstanceOf(Error);
    expect(await as('membership_points', sql`create table points.sneaky (id int)`)).toEqual(
      expect.objectContaining({ message: expect.stringMatching(/permission denied/) }),
    );
  });

  it("identity's role reads identity.members; the orders role does not", async () => {
    expect(await as('membership_identity', sql`select count(*) from identity.members`)).not.toBeInstanceOf(Error);
    expect(await as('membership_orders', sql`select count(*) from identity.members`)).toBeInstanceOf(Error);
  });
});
