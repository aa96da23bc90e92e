import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import {
  IDENTITY,
  MEMBER_DATA_EXPORT,
  callSubgraph,
  publishMemberErased,
  rowsMentioning,
  startTestStack,
  type TestStack,
} from '@membership/testing';
import type { PointsExport } from '../src/domain/export.js';
import { WELCOME_POINTS } from '../src/domain/balance.js';
import { pointsHandlers } from '../src/events.js';

let stack: TestStack;
const demo = (name: string) => stack.demo.find((m) => m.displayName === name)!;
const ana = () => demo('Ana');
const bo = () => demo('Bo');

beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

async function exportOf(memberId: string): Promise<PointsExport> {
  const res = await callSubgraph(stack, 'points', MEMBER_DATA_EXPORT, { memberId }, IDENTITY);
  expect(res.body.errors).toBeUndefined();
  return JSON.parse(res.body.data.memberDataExport as string) as PointsExport;
}

const MY_POINTS = /* GraphQL */ `
  query {
    me {
      id
      pointsBalance
      pointsHistory(first: 50) {
        edges {
          node {
            id
            delta
            reason
          }
        }
      }
    }
  }
`;

describe("points' part of a member's data export", () => {
  it("identity's export job gets Ana's balance and her whole ledger, oldest first, adding up to it", async () => {
    const data = await exportOf(ana().id);
    expect(data.subgraph).toBe('points');
    expect(data.memberId).toBe(ana().id);
    // Her welcome credit and what each of her demo orders earned (orders' OrderPaid events), oldest first.
    expect(data.ledger.filter((e) => e.reason === 'WELCOME')).toEqual([expect.objectContaining({ delta: WELCOME_POINTS, kind: 'earn' })]);
    expect(data.ledger.filter((e) => e.reason === 'ORDER').length).toBeGreaterThan(0);
    expect(data.ledger.map((e) => e.occurredAt)).toEqual(data.ledger.map((e) => e.occurredAt).sort());
    expect(data.account?.balance).toBe(data.ledger.reduce((sum, e) => sum + e.delta, 0));
  });

  it.each([
    ['Ana (member), for her own points', () => ({ kind: 'member' as const, memberId: ana().id })],
    [
      'staff with points:read',
      () => ({ kind: 'staff' as const, staffId: '00000000-0000-4000-8000-00000000057a', scopes: ['points:read'] }),
    ],
    ['the gateway as a service', () => ({ kind: 'service' as const, service: 'gateway' })],
  ])('%s calling points directly cannot run the export: FORBIDDEN', async (_who, viewer) => {
    const res = await callSubgraph(stack, 'points', MEMBER_DATA_EXPORT, { memberId: ana().id }, viewer());
    expect(res.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(res.body.data?.memberDataExport ?? null).toBeNull();
  });

  it('the export job asking with a member id that is not a UUID gets BAD_USER_INPUT', async () => {
    const res = await callSubgraph(stack, 'points', MEMBER_DATA_EXPORT, { memberId: 'ana' }, IDENTITY);
    expect(res.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('the gateway does not expose memberDataExport: a client naming it gets GRAPHQL_VALIDATION_FAILED', async () => {
    const res = await stack.gql(
      MEMBER_DATA_EXPORT,
      { memberId: ana().id },
      { token: await stack.staffToken(['points:read', 'members:read']) },
    );
    expect(res.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(res.body.data ?? null).toBeNull();
  });
});

describe('when Ana is erased', () => {
  let bosBefore: unknown;
  beforeAll(async () => {
    bosBefore = (await stack.gql(MY_POINTS, {}, { token: await stack.memberToken(bo().id) })).body.data;
    // Ana also checks in, is adjusted by staff and redeems a store item, so erasure must reach those rows too.
    const token = await stack.memberToken(ana().id);
    expect((await stack.gql('mutation { checkIn { streak } }', {}, { token })).body.errors).toBeUndefined();
    const staff = await stack.staffToken(['points:adjust', 'points:manage']);
    const adjusted = await stack.gql(
      'mutation($input: AdjustPointsInput!) { adjustPoints(input: $input) { id } }',
      { input: { memberId: ana().id, points: 50, reason: 'Goodwill gesture', idempotencyKey: randomUUID() } },
      { token: staff },
    );
    expect(adjusted.body.errors).toBeUndefined();
    const item = await stack.gql(
      'mutation($input: StoreItemInput!) { createStoreItem(input: $input) { id } }',
      { input: { kind: 'COUPON', title: 'Tea coupon', pricePoints: 10, stock: 5, validFrom: '2020-01-01T00:00:00Z' } },
      { token: staff },
    );
    const redeemed = await stack.gql(
      'mutation($input: RedeemStoreItemInput!) { redeemStoreItem(input: $input) { id } }',
      { input: { itemId: item.body.data.createStoreItem.id, idempotencyKey: randomUUID() } },
      { token },
    );
    expect(redeemed.body.errors).toBeUndefined();
    // The check below can fail: before erasure her account, ledger and keys name her.
    expect(Object.keys(await rowsMentioning(stack, 'points', ana().id))).toEqual(
      expect.arrayContaining(['accounts', 'ledger', 'lots', 'check_ins', 'redemptions', 'staff_operations']),
    );
    await publishMemberErased(stack, 'points', ana().id);
    await stack.drainEvents();
  });

  it('no row in the points schema mentions Ana any more', async () => {
    expect(await rowsMentioning(stack, 'points', ana().id)).toEqual({});
  });

  it('Ana (member) sees a zero balance and an empty history through the gateway', async () => {
    const res = await stack.gql(MY_POINTS, {}, { token: await stack.memberToken(ana().id) });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.me.pointsBalance).toBe(0);
    expect(res.body.data.me.pointsHistory.edges).toEqual([]);
  });

  it("identity's export job finds no account and no ledger left for Ana", async () => {
    const data = await exportOf(ana().id);
    expect(data.account).toBeNull();
    expect(data.ledger).toEqual([]);
  });

  it("Bo's points are untouched", async () => {
    const res = await stack.gql(MY_POINTS, {}, { token: await stack.memberToken(bo().id) });
    expect(res.body.data).toEqual(bosBefore);
    expect(res.body.data.me.pointsBalance).toBeGreaterThan(WELCOME_POINTS);
  });

  it('erasing Ana again is harmless and leaves nothing of hers', async () => {
    const event = {
      id: randomUUID(),
      type: 'MemberErased' as const,
      payload: { memberId: ana().id, erasedAt: new Date().toISOString() },
      occurredAt: new Date(),
    };
    await stack.database.db.transaction((tx) => pointsHandlers.MemberErased(tx as never, event));
    expect(await rowsMentioning(stack, 'points', ana().id)).toEqual({});
  });
});
