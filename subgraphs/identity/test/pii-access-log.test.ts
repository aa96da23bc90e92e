import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '@membership/db';
import { DEMO_MEMBERS } from '@membership/stack';
import { callSubgraph, startTestStack, testSigners, type GqlResult, type TestStack } from '@membership/testing';
import type { Viewer } from '@membership/viewer';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

// Known before the stack starts, since it.each builds its cases at collection time.
const [ANA, BO, CHEN] = DEMO_MEMBERS;
const ana = () => ANA;
const bo = () => BO;
const chen = () => CHEN;
const STAFF_ID = '00000000-0000-4000-8000-00000000057a';

/** What the gateway sends to identity to write one request's accesses. */
const RECORD = `mutation RecordPiiAccess($input: RecordPiiAccessInput!) { recordPiiAccess(input: $input) { recorded } }`;

/** Calls identity directly, as the gateway does, signed with the gateway's key as `viewer`. */
function callIdentity(query: string, variables: Record<string, unknown>, viewer: Viewer): Promise<GqlResult> {
  return callSubgraph(stack, 'identity', query, variables, viewer);
}

const GATEWAY: Viewer = { kind: 'service', service: 'gateway' };

function entry(overrides: Record<string, unknown> = {}) {
  return {
    viewerKind: 'staff',
    viewerId: STAFF_ID,
    viewerRole: 'members:read',
    ownerMemberId: ana().id,
    fields: ['Member.email'],
    categories: ['CONTACT'],
    purpose: 'support ticket 1042',
    operationName: 'MemberContact',
    requestId: 'req-ana-1',
    ...overrides,
  };
}

async function logCount(): Promise<number> {
  const [row] = await stack.database.rows<{ n: string | number }>(sql`select count(*) as n from identity.pii_access_log`);
  return Number(row?.n);
}

const MY_LOG = `{ me { piiAccessLog(first: 10) { edges { node { viewerKind viewerId viewerRole purpose fields categories operationName requestId accessedAt } } } } }`;

describe('recording PII accesses', () => {
  it("the gateway records two accesses to Ana's data in one call", async () => {
    const before = await logCount();
    const res = await callIdentity(
      RECORD,
      {
        input: {
          entries: [
            entry(),
            entry({
              viewerKind: 'partner',
              viewerId: 'partner-skyways',
              viewerRole: 'Skyways Airline',
              fields: ['Member.email', 'Member.phone'],
              purpose: 'miles matching',
              operationName: null,
              requestId: 'req-ana-2',
            }),
          ],
        },
      },
      GATEWAY,
    );
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.recordPiiAccess).toEqual({ recorded: 2 });
    expect(await logCount()).toBe(before + 2);
  });

  it('Ana (member) reads who accessed her data through the gateway', async () => {
    const res = await stack.gql(MY_LOG, {}, { token: await stack.memberToken(ana().id) });
    expect(res.body.errors).toBeUndefined();
    const nodes = res.body.data.me.piiAccessLog.edges.map((e: { node: unknown }) => e.node);
    expect(nodes).toHaveLength(2);
    expect(nodes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          viewerKind: 'staff',
          viewerId: STAFF_ID,
          viewerRole: 'members:read',
          purpose: 'support ticket 1042',
          fields: ['Member.email'],
          categories: ['CONTACT'],
          operationName: 'MemberContact',
          requestId: 'req-ana-1',
        }),
        expect.objectContaining({
          viewerKind: 'partner',
          viewerRole: 'Skyways Airline',
          purpose: 'miles matching',
          fields: ['Member.email', 'Member.phone'],
          operationName: null,
          requestId: 'req-ana-2',
        }),
      ]),
    );
    expect(Number.isNaN(Date.parse(nodes[0].accessedAt))).toBe(false);
  });

  it("Bo (member) does not see Ana's accesses: his own log is empty", async () => {
    const res = await stack.gql(MY_LOG, {}, { token: await stack.memberToken(bo().id) });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.me.piiAccessLog.edges).toEqual([]);
  });

  it("staff with members:read and audit:read read Ana's log; with members:read alone they get null and FORBIDDEN", async () => {
    const query = `query ($id: ID!) { member(id: $id) { displayName piiAccessLog { edges { node { viewerKind purpose } } } } }`;
    const auditor = await stack.gql(query, { id: ana().id }, { token: await stack.staffToken(['members:read', 'audit:read']) });
    expect(auditor.body.errors).toBeUndefined();
    expect(auditor.body.data.member.piiAccessLog.edges.map((e: { node: { purpose: string } }) => e.node.purpose).sort()).toEqual([
      'miles matching',
      'support ticket 1042',
    ]);

    const support = await stack.gql(query, { id: ana().id }, { token: await stack.staffToken(['members:read']) });
    expect(support.body.data.member.displayName).toBe('Ana');
    expect(support.body.data.member.piiAccessLog).toBeNull();
    expect(support.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it("Chen's log pages newest first with a cursor, without repeating or skipping an access", async () => {
    const requestIds = ['req-chen-1', 'req-chen-2', 'req-chen-3'];
    const recorded = await callIdentity(
      RECORD,
      { input: { entries: requestIds.map((requestId) => entry({ ownerMemberId: chen().id, requestId })) } },
      GATEWAY,
    );
    expect(recorded.body.data.recordPiiAccess.recorded).toBe(3);
    const token = await stack.memberToken(chen().id);
    const page = `query ($after: String) { me { piiAccessLog(first: 2, after: $after) { edges { node { id requestId } } pageInfo { hasNextPage endCursor } } } }`;
    const one = (await stack.gql(page, {}, { token })).body.data.me.piiAccessLog;
    expect(one.edges).toHaveLength(2);
    expect(one.pageInfo.hasNextPage).toBe(true);
    const two = (await stack.gql(page, { after: one.pageInfo.endCursor }, { token })).body.data.me.piiAccessLog;
    expect(two.edges).toHaveLength(1);
    expect(two.pageInfo.hasNextPage).toBe(false);
    const seen = [...one.edges, ...two.edges].map((e: { node: { requestId: string } }) => e.node.requestId);
    expect(seen.sort()).toEqual(requestIds);
  });

  it("staff reading 2 or 4 members' logs cost the same number of SQL statements", async () => {
    const token = await stack.staffToken(['members:read', 'audit:read']);
    const query = `query ($first: Int!) { members(first: $first) { edges { node { id piiAccessLog(first: 5) { edges { node { id } } } } } } }`;
    const statementsFor = async (first: number) => {
      const before = stack.database.statementCount();
      const res = await stack.gql(query, { first }, { token });
      expect(res.body.errors).toBeUndefined();
      return { statements: stack.database.statementCount() - before, members: res.body.data.members.edges };
    };
    const two = await statementsFor(2);
    const four = await statementsFor(4);
    expect(four.members).toHaveLength(4);
    // Ana and Chen have entries, so the larger page really loads logs for several members.
    expect(four.members.filter((m: { node: { piiAccessLog: { edges: unknown[] } } }) => m.node.piiAccessLog.edges.length > 0)).toHaveLength(
      2,
    );
    expect(four.statements).toBe(two.statements);
  });

  it('the gateway can write 5000 accesses in one call, and 5001 is BAD_USER_INPUT writing nothing', async () => {
    const compact = {
      viewerKind: 'staff',
      viewerId: 's',
      ownerMemberId: chen().id,
      fields: ['Member.email'],
      categories: ['CONTACT'],
      requestId: 'bulk',
    };
    const before = await logCount();
    const ok = await callIdentity(RECORD, { input: { entries: Array.from({ length: 5000 }, () => compact) } }, GATEWAY);
    expect(ok.body.errors).toBeUndefined();
    expect(ok.body.data.recordPiiAccess.recorded).toBe(5000);
    expect(await logCount()).toBe(before + 5000);

    const tooMany = await callIdentity(RECORD, { input: { entries: Array.from({ length: 5001 }, () => compact) } }, GATEWAY);
    expect(tooMany.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(await logCount()).toBe(before + 5000);
  });
});

describe('who may record PII accesses', () => {
  it('Ana (member) calling identity directly cannot record an access: FORBIDDEN, nothing written', async () => {
    const before = await logCount();
    const res = await callIdentity(
      RECORD,
      { input: { entries: [entry({ ownerMemberId: bo().id })] } },
      { kind: 'member', memberId: ana().id },
    );
    expect(res.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(res.body.data?.recordPiiAccess ?? null).toBeNull();
    expect(await logCount()).toBe(before);
  });

  it('a service other than the gateway cannot record an access: identity trusts no other key (401), and the gateway key cannot claim another service (401); nothing written', async () => {
    const before = await logCount();
    const asIdentity = await callSubgraph(stack, 'identity', RECORD, { input: { entries: [entry()] } }, GATEWAY, {
      signer: testSigners.identity,
    });
    expect(asIdentity.status).toBe(401);
    const claimingPoints = await callIdentity(RECORD, { input: { entries: [entry()] } }, { kind: 'service', service: 'points' });
    expect(claimingPoints.status).toBe(401);
    expect(await logCount()).toBe(before);
  });

  it.each([
    ['no entries', [], 'entries'],
    ['an owner id that is not a UUID (after a good entry)', [entry(), entry({ ownerMemberId: 'ana' })], 'entries[1].ownerMemberId'],
    ['an unknown viewer kind', [entry({ viewerKind: 'robot' })], 'entries[0].viewerKind'],
    ['no fields', [entry({ fields: [] })], 'entries[0].fields'],
  ])('the gateway sending %s gets BAD_USER_INPUT naming the field, and nothing is written', async (_what, entries, field) => {
    const before = await logCount();
    const res = await callIdentity(RECORD, { input: { entries } }, GATEWAY);
    expect(res.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.body.errors?.[0]?.extensions?.field).toBe(field);
    expect(await logCount()).toBe(before);
  });

  it('the gateway does not expose recordPiiAccess: a client naming it gets GRAPHQL_VALIDATION_FAILED', async () => {
    const before = await logCount();
    const res = await stack.gql(
      RECORD,
      { input: { entries: [entry()] } },
      { token: await stack.staffToken(['members:read', 'audit:read']) },
    );
    expect(res.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(await logCount()).toBe(before);
  });
});
