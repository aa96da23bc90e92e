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
import { moderationHandlers } from '../src/consumer.js';
import type { ModerationExport } from '../src/domain/export.js';

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

async function exportOf(memberId: string): Promise<ModerationExport> {
  const res = await callSubgraph(stack, 'moderation', MEMBER_DATA_EXPORT, { memberId }, IDENTITY);
  expect(res.body.errors).toBeUndefined();
  return JSON.parse(res.body.data.memberDataExport as string) as ModerationExport;
}

const MY_STANDING = /* GraphQL */ `
  query {
    me {
      id
      standing {
        status
        activeSanctions {
          id
          kind
          reason
        }
      }
    }
  }
`;

interface ErasedRow {
  id: string;
  kind: string;
  status: string;
  member_id: string | null;
  reason: string | null;
  erased_at: Date | string | null;
}
const erasedSanctions = () => stack.database.rows<ErasedRow>(sql`select * from moderation.sanctions where erased_at is not null`);

describe("moderation's part of a member's data export", () => {
  it("identity's export job gets Chen's warning with the reason Chen was given", async () => {
    const data = await exportOf(chen().id);
    expect(data.subgraph).toBe('moderation');
    expect(data.memberId).toBe(chen().id);
    expect(data.sanctions).toHaveLength(1);
    expect(data.sanctions[0]).toMatchObject({ kind: 'WARNING', status: 'ACTIVE', endsAt: null });
    expect(data.sanctions[0]!.reason).toMatch(/Offensive language/);
  });

  it("the export for Ana, who has no sanctions, holds none (not Chen's)", async () => {
    expect((await exportOf(ana().id)).sanctions).toEqual([]);
  });

  it.each([
    ['Chen (member), for his own sanctions', () => ({ kind: 'member' as const, memberId: chen().id })],
    [
      'staff with moderation:read',
      () => ({ kind: 'staff' as const, staffId: '00000000-0000-4000-8000-00000000057a', scopes: ['moderation:read'] }),
    ],
    ['the gateway as a service', () => ({ kind: 'service' as const, service: 'gateway' })],
  ])('%s calling moderation directly cannot run the export: FORBIDDEN', async (_who, viewer) => {
    const res = await callSubgraph(stack, 'moderation', MEMBER_DATA_EXPORT, { memberId: chen().id }, viewer());
    expect(res.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(res.body.data?.memberDataExport ?? null).toBeNull();
  });

  it('the export job asking with a member id that is not a UUID gets BAD_USER_INPUT', async () => {
    const res = await callSubgraph(stack, 'moderation', MEMBER_DATA_EXPORT, { memberId: 'chen' }, IDENTITY);
    expect(res.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('the gateway does not expose memberDataExport: a client naming it gets GRAPHQL_VALIDATION_FAILED', async () => {
    const res = await stack.gql(
      MEMBER_DATA_EXPORT,
      { memberId: chen().id },
      { token: await stack.staffToken(['moderation:read', 'members:read']) },
    );
    expect(res.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(res.body.data ?? null).toBeNull();
  });
});

describe('when Chen is erased', () => {
  const erasedAt = new Date('2026-03-01T08:00:00.000Z');
  let warningId: string;

  beforeAll(async () => {
    warningId = (await exportOf(chen().id)).sanctions[0]!.id;
    // The check below can fail: before erasure the warning and its SanctionApplied event name Chen.
    expect(Object.keys(await rowsMentioning(stack, 'moderation', chen().id))).toEqual(expect.arrayContaining(['sanctions', 'outbox']));
    await publishMemberErased(stack, 'moderation', chen().id, erasedAt);
    await stack.drainEvents();
  });

  it('no row in the moderation schema mentions Chen any more', async () => {
    expect(await rowsMentioning(stack, 'moderation', chen().id)).toEqual({});
  });

  it('the warning stays only as an anonymous statistic: kind, status and dates, no member, no reason, a new id', async () => {
    const rows = await erasedSanctions();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ kind: 'WARNING', status: 'ACTIVE', member_id: null, reason: null });
    expect(new Date(rows[0]!.erased_at!).toISOString()).toBe(erasedAt.toISOString());
    // The old id is in SanctionApplied payloads elsewhere; it must not lead back to the row.
    expect(rows[0]!.id).not.toBe(warningId);
    expect(await rowsMentioning(stack, 'moderation', warningId)).toEqual({});
  });

  it('Chen (member) is in GOOD standing with no sanctions through the gateway', async () => {
    const res = await stack.gql(MY_STANDING, {}, { token: await stack.memberToken(chen().id) });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.me.standing).toEqual({ status: 'GOOD', activeSanctions: [] });
  });

  it("identity's export job finds no sanctions left for Chen", async () => {
    expect((await exportOf(chen().id)).sanctions).toEqual([]);
  });

  it('erasing Chen again changes nothing: still one anonymous warning, with the first erasure time', async () => {
    const before = await erasedSanctions();
    const event = {
      id: randomUUID(),
      type: 'MemberErased' as const,
      payload: { memberId: chen().id, erasedAt: new Date().toISOString() },
      occurredAt: new Date(),
    };
    await stack.database.db.transaction((tx) => moderationHandlers.MemberErased(tx as never, event));
    expect(await erasedSanctions()).toEqual(before);
  });
});
