import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '@membership/testing';

/** Staff state why they read a member's behaviour (`@pii(category: BEHAVIOUR)`). */
const SUPPORT = { 'x-access-purpose': 'support' };

let stack: TestStack;
let dee: string;
let bo: string;

beforeAll(async () => {
  stack = await startTestStack();
  [dee, bo] = [stack.demo[3].id, stack.demo[1].id];
});

afterAll(async () => {
  await stack?.stop();
});

const HISTORY = `
  query History($first: Int, $after: String) {
    me {
      pointsBalance
      pointsHistory(first: $first, after: $after) {
        edges { cursor node { id delta reason occurredAt } }
        pageInfo { hasNextPage endCursor }
      }
    }
  }
`;

interface HistoryData {
  me: {
    pointsBalance: number | null;
    pointsHistory: {
      edges: { cursor: string; node: { id: string; delta: number; reason: string; occurredAt: string } }[];
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
    } | null;
  };
}

const MEMBER_POINTS = `query MemberPoints($id: ID!) { member(id: $id) { displayName pointsBalance } }`;

describe('points through the gateway', () => {
  it('Dee (member) reads her balance and her history, newest first, welcome points last', async () => {
    const { body } = await stack.gql<HistoryData>(HISTORY, { first: 10 }, { token: await stack.memberToken(dee) });
    expect(body.errors).toBeUndefined();
    expect(body.data!.me.pointsBalance).toBe(270);
    const history = body.data!.me.pointsHistory!;
    expect(history.edges.map((e) => [e.node.delta, e.node.reason])).toEqual([
      [-30, 'ADJUSTMENT'],
      [80, 'SUGGESTION'],
      [120, 'TASK'],
      [100, 'WELCOME'],
    ]);
    expect(history.pageInfo).toEqual({ hasNextPage: false, endCursor: history.edges[3]!.cursor });
    expect(Number.isNaN(Date.parse(history.edges[0]!.node.occurredAt))).toBe(false);
  });

  it('Dee (member) pages through her history two entries at a time without gaps or repeats', async () => {
    const token = await stack.memberToken(dee);
    const first = (await stack.gql<HistoryData>(HISTORY, { first: 2 }, { token })).body.data!.me.pointsHistory!;
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = (await stack.gql<HistoryData>(HISTORY, { first: 2, after: first.pageInfo.endCursor }, { token })).body.data!.me
      .pointsHistory!;
    expect(second.pageInfo.hasNextPage).toBe(false);
    expect([...first.edges, ...second.edges].map((e) => e.node.delta)).toEqual([-30, 80, 120, 100]);
    expect(new Set([...first.edges, ...second.edges].map((e) => e.node.id)).size).toBe(4);
  });

  it('Dee (member) asking for more than 100 entries at once is told the limit', async () => {
    const { body } = await stack.gql<HistoryData>(HISTORY, { first: 500 }, { token: await stack.memberToken(dee) });
    expect(body.data?.me.pointsHistory).toBeNull();
    expect(body.errors?.[0]).toMatchObject({ path: ['me', 'pointsHistory'], extensions: { code: 'BAD_USER_INPUT' } });
    expect(body.errors?.[0]?.message).toContain('between 1 and 100');
  });

  it("staff with points:read and pii:behaviour:read, stating a purpose, read Dee's balance through member(id:)", async () => {
    const token = await stack.staffToken(['members:read', 'points:read', 'pii:behaviour:read']);
    const { body } = await stack.gql(MEMBER_POINTS, { id: dee }, { token, headers: SUPPORT });
    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual({ member: { displayName: 'Dee', pointsBalance: 270 } });
  });

  it("staff without points:read get FORBIDDEN for Bo's balance and still see the rest of him", async () => {
    const token = await stack.staffToken(['members:read', 'pii:behaviour:read']);
    const { body } = await stack.gql(MEMBER_POINTS, { id: bo }, { token, headers: SUPPORT });
    expect(body.data).toEqual({ member: { displayName: 'Bo', pointsBalance: null } });
    expect(body.errors).toHaveLength(1);
    expect(body.errors?.[0]).toMatchObject({ path: ['member', 'pointsBalance'], extensions: { code: 'FORBIDDEN' } });
  });

  it('reading the points of four members costs as many SQL statements as reading one', async () => {
    const token = await stack.staffToken(['members:read', 'points:read', 'pii:behaviour:read']);
    const query = `query Points($first: Int) {
      members(first: $first) { edges { node { pointsBalance pointsHistory(first: 2) { edges { node { delta } } } } } }
    }`;
    const statementsFor = async (first: number) => {
      const before = stack.database.statementCount();
      const { body } = await stack.gql<{ members: { edges: unknown[] } }>(query, { first }, { token, headers: SUPPORT });
      expect(body.errors).toBeUndefined();
      expect(body.data!.members.edges).toHaveLength(first);
      return stack.database.statementCount() - before;
    };
    const one = await statementsFor(1);
    expect(await statementsFor(4)).toBe(one);
  });

  it("Dee's balance, pending points, debt, expiring points and a page of 100 history entries cost the same SQL statements with 4 entries as with 64", async () => {
    const token = await stack.memberToken(dee);
    const query = `query { me { pointsBalance pendingPoints pointsDebt pointsExpiringSoon { points } pointsHistory(first: 100) { edges { node { id delta kind } } } } }`;
    const statements = async () => {
      const before = stack.database.statementCount();
      const { body } = await stack.gql(query, {}, { token });
      expect(body.errors).toBeUndefined();
      return { count: stack.database.statementCount() - before, entries: body.data.me.pointsHistory.edges.length as number };
    };
    const short = await statements();
    const staff = await stack.staffToken(['points:adjust']);
    for (let i = 0; i < 60; i++) {
      const { body } = await stack.gql(
        'mutation($input: AdjustPointsInput!) { adjustPoints(input: $input) { id } }',
        { input: { memberId: dee, points: 1, reason: 'Statement count test', idempotencyKey: `statements-${i}` } },
        { token: staff },
      );
      expect(body.errors).toBeUndefined();
    }
    const long = await statements();
    expect(long.entries).toBe(short.entries + 60);
    expect(long.count).toBe(short.count);
  });
});
