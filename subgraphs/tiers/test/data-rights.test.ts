import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { sql } from '@membership/db';
import {
  IDENTITY,
  MEMBER_DATA_EXPORT,
  callSubgraph,
  publishMemberErased,
  rowsMentioning,
  startTestStack,
  type TestStack,
} from '@membership/testing';
import { tiersHandlers } from '../src/consumer.js';
import type { TiersExport } from '../src/domain/export.js';

let stack: TestStack;
const demo = (name: string) => stack.demo.find((m) => m.displayName === name)!;
const ana = () => demo('Ana');
const chen = () => demo('Chen');

beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

async function exportOf(memberId: string): Promise<TiersExport> {
  const res = await callSubgraph(stack, 'tiers', MEMBER_DATA_EXPORT, { memberId }, IDENTITY);
  expect(res.body.errors).toBeUndefined();
  return JSON.parse(res.body.data.memberDataExport as string) as TiersExport;
}

const MY_TIER = /* GraphQL */ `
  query {
    me {
      id
      tier {
        code
      }
      tierSince
    }
  }
`;

describe("tiers' part of a member's data export", () => {
  it("identity's export job gets Ana's Gold tier, her qualifying spend and how she got there", async () => {
    const data = await exportOf(ana().id);
    expect(data.subgraph).toBe('tiers');
    expect(data.memberId).toBe(ana().id);
    // The tiers seed's 620,000 and the demo orders orders paid for her (their OrderPaid events).
    const [paid] = await stack.database.rows<{ total: number | string }>(
      sql`select coalesce(sum(total_amount), 0) as total from orders.orders where member_id = ${ana().id}`,
    );
    expect(Number(paid!.total)).toBeGreaterThan(0);
    expect(data.tier).toMatchObject({
      code: 'GOLD',
      name: 'Gold',
      qualifyingSpend: { amount: 620_000 + Number(paid!.total), currency: 'CNY' },
    });
    expect(data.history.map((c) => [c.from, c.to, c.reason])).toEqual([
      [null, 'BRONZE', 'registered'],
      ['BRONZE', 'GOLD', 'demo_data'],
    ]);
  });

  it.each([
    ['Ana (member), for her own tier', () => ({ kind: 'member' as const, memberId: ana().id })],
    ['staff with tiers:read', () => ({ kind: 'staff' as const, staffId: '00000000-0000-4000-8000-00000000057a', scopes: ['tiers:read'] })],
    ['the gateway as a service', () => ({ kind: 'service' as const, service: 'gateway' })],
  ])('%s calling tiers directly cannot run the export: FORBIDDEN', async (_who, viewer) => {
    const res = await callSubgraph(stack, 'tiers', MEMBER_DATA_EXPORT, { memberId: ana().id }, viewer());
    expect(res.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(res.body.data?.memberDataExport ?? null).toBeNull();
  });

  it('the export job asking with a member id that is not a UUID gets BAD_USER_INPUT', async () => {
    const res = await callSubgraph(stack, 'tiers', MEMBER_DATA_EXPORT, { memberId: 'ana' }, IDENTITY);
    expect(res.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('the gateway does not expose memberDataExport: a client naming it gets GRAPHQL_VALIDATION_FAILED', async () => {
    const res = await stack.gql(
      MEMBER_DATA_EXPORT,
      { memberId: ana().id },
      { token: await stack.staffToken(['tiers:read', 'members:read']) },
    );
    expect(res.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(res.body.data ?? null).toBeNull();
  });
});

describe('when Ana is erased', () => {
  beforeAll(async () => {
    // The check below can fail: before erasure her tier row and TierChanged events name her.
    expect(Object.keys(await rowsMentioning(stack, 'tiers', ana().id))).toEqual(expect.arrayContaining(['member_tiers', 'outbox']));
    await publishMemberErased(stack, 'tiers', ana().id);
    await stack.drainEvents();
  });

  it('no row in the tiers schema mentions Ana any more', async () => {
    expect(await rowsMentioning(stack, 'tiers', ana().id)).toEqual({});
  });

  it('Ana (member) has no tier and no tier date through the gateway', async () => {
    const res = await stack.gql(MY_TIER, {}, { token: await stack.memberToken(ana().id) });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.me).toEqual({ id: ana().id, tier: null, tierSince: null });
  });

  it("identity's export job finds no tier and no history left for Ana", async () => {
    const data = await exportOf(ana().id);
    expect(data.tier).toBeNull();
    expect(data.history).toEqual([]);
  });

  it('Chen keeps his Silver tier', async () => {
    const res = await stack.gql(MY_TIER, {}, { token: await stack.memberToken(chen().id) });
    expect(res.body.data.me.tier).toEqual({ code: 'SILVER' });
  });

  it('erasing Ana again is harmless and leaves nothing of hers', async () => {
    const event = {
      id: randomUUID(),
      type: 'MemberErased' as const,
      payload: { memberId: ana().id, erasedAt: new Date().toISOString() },
      occurredAt: new Date(),
    };
    await stack.database.db.transaction((tx) => tiersHandlers.MemberErased(tx as never, event));
    expect(await rowsMentioning(stack, 'tiers', ana().id)).toEqual({});
  });
});
