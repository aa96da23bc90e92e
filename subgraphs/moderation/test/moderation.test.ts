import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '@membership/testing';

/** Staff state why they read a member's behaviour (`@pii(category: BEHAVIOUR)`). */
const SUPPORT = { 'x-access-purpose': 'support' };

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

const ana = () => stack.demo[0];
const chen = () => stack.demo[2];

const MY_STANDING = '{ me { standing { status activeSanctions { id kind reason startsAt endsAt } } } }';
const MEMBERS_WITH_STANDING = `query ($first: Int!) {
  members(first: $first) { edges { node { displayName standing { status activeSanctions { kind } } } } }
}`;

type MembersStanding = { members: { edges: { node: { displayName: string; standing: { status: string } | null } }[] } };
const statusByName = (data: MembersStanding) =>
  Object.fromEntries(data.members.edges.map((e) => [e.node.displayName, e.node.standing?.status ?? null]));

describe("a member's standing", () => {
  it('Chen (member) sees he is WARNED, with the one warning and why', async () => {
    const res = await stack.gql(MY_STANDING, {}, { token: await stack.memberToken(chen().id) });
    expect(res.body.errors).toBeUndefined();
    const standing = res.body.data.me.standing;
    expect(standing.status).toBe('WARNED');
    expect(standing.activeSanctions).toHaveLength(1);
    expect(standing.activeSanctions[0]).toMatchObject({ kind: 'WARNING', endsAt: null });
    expect(standing.activeSanctions[0].reason).not.toBe('');
    expect(Date.parse(standing.activeSanctions[0].startsAt)).toBeLessThan(Date.now());
  });

  it('Ana (member) is in GOOD standing with no sanctions', async () => {
    const res = await stack.gql(MY_STANDING, {}, { token: await stack.memberToken(ana().id) });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.me.standing).toEqual({ status: 'GOOD', activeSanctions: [] });
  });

  it("moderators with moderation:read and pii:behaviour:read, stating a purpose, see every member's standing", async () => {
    const token = await stack.staffToken(['members:read', 'moderation:read', 'pii:behaviour:read']);
    const res = await stack.gql(MEMBERS_WITH_STANDING, { first: 10 }, { token, headers: SUPPORT });
    expect(res.body.errors).toBeUndefined();
    expect(statusByName(res.body.data)).toMatchObject({ Ana: 'GOOD', Bo: 'GOOD', Chen: 'WARNED', Dee: 'GOOD' });
  });

  it('support staff without moderation:read get the members but not their standing, with FORBIDDEN', async () => {
    const token = await stack.staffToken(['members:read', 'pii:behaviour:read']);
    const res = await stack.gql(MEMBERS_WITH_STANDING, { first: 10 }, { token, headers: SUPPORT });
    expect(res.body.data.members.edges.map((e: { node: { displayName: string } }) => e.node.displayName)).toEqual(
      expect.arrayContaining(['Ana', 'Chen']),
    );
    expect(Object.values(statusByName(res.body.data)).every((status) => status === null)).toBe(true);
    expect(res.body.errors?.length).toBeGreaterThan(0);
    expect(res.body.errors?.every((e) => e.extensions?.code === 'FORBIDDEN')).toBe(true);
  });

  it('reading the standing of four members costs as many SQL statements as reading one', async () => {
    const token = await stack.staffToken(['members:read', 'moderation:read', 'pii:behaviour:read']);
    const count = async (first: number) => {
      const before = stack.database.statementCount();
      const res = await stack.gql(MEMBERS_WITH_STANDING, { first }, { token, headers: SUPPORT });
      expect(res.body.data.members.edges).toHaveLength(first);
      return stack.database.statementCount() - before;
    };
    expect(await count(4)).toBe(await count(1));
  });
});
