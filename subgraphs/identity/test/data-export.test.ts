import { describe, expect, it } from 'vitest';
import { createLogger } from '@membership/config';
import { sql } from '@membership/db';
import { DEMO_MEMBERS } from '@membership/stack';
import { TEST_ENV, type TestStack } from '@membership/testing';
import { useTestStack } from '@membership/testing/per-file';
import { runPendingExports } from '../src/domain/data-export.js';
import { systemServices } from '../src/services.js';

let clock = new Date();
let stack: TestStack;
useTestStack({ now: () => clock, beforeEachTest: () => (clock = new Date(clock.getTime() + 1000)), started: (s) => (stack = s) });

const [ANA, BO, CHEN] = DEMO_MEMBERS;
const REQUEST = `mutation { requestDataExport { id status requestedAt readyAt expiresAt downloadJson } }`;
const MINE = `{ me { dataExports { id status requestedAt readyAt expiresAt } } }`;
const ONE = `query ($id: ID!) { dataExport(id: $id) { id status readyAt expiresAt downloadJson } }`;
const codeOf = (res: { body: { errors?: { extensions?: { code?: string } }[] } }) => res.body.errors?.[0]?.extensions?.code;
const token = (m: { id: string }) => stack.memberToken(m.id);
const otherSubgraphs = () =>
  Object.fromEntries(
    Object.entries(stack.subgraphs)
      .filter(([name]) => name !== 'identity')
      .map(([name, s]) => [name, s.url]),
  );
const job = (subgraphUrls = otherSubgraphs()) =>
  runPendingExports(
    systemServices({
      database: stack.database,
      env: { ...TEST_ENV },
      logger: createLogger('test', 'silent'),
      now: () => clock,
      subgraphUrls,
    }).dataExport,
    clock,
  );

async function count(): Promise<number> {
  const [row] = await stack.database.rows<{ n: string | number }>(sql`select count(*) as n from identity.data_exports`);
  return Number(row?.n);
}

let anaExportId: string;

describe('asking for an export', () => {
  it('an anonymous caller cannot ask for an export', async () => {
    expect(codeOf(await stack.gql(REQUEST))).toBe('UNAUTHENTICATED');
  });

  it('Ana asks for an export and sees it PENDING with nothing to download yet', async () => {
    const res = await stack.gql(REQUEST, {}, { token: await token(ANA) });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.requestDataExport).toMatchObject({
      status: 'PENDING',
      requestedAt: clock.toISOString(),
      readyAt: null,
      expiresAt: null,
      downloadJson: null,
    });
    anaExportId = res.body.data.requestDataExport.id;
    const mine = await stack.gql(MINE, {}, { token: await token(ANA) });
    expect(mine.body.data.me.dataExports).toEqual([expect.objectContaining({ id: anaExportId, status: 'PENDING' })]);
  });

  it('Ana cannot ask again while it is being prepared: CONFLICT, and nothing more is written', async () => {
    const before = await count();
    expect(codeOf(await stack.gql(REQUEST, {}, { token: await token(ANA) }))).toBe('CONFLICT');
    expect(await count()).toBe(before);
  });

  it('an id the API never gave out is BAD_USER_INPUT', async () => {
    expect(codeOf(await stack.gql(ONE, { id: 'not-an-id' }, { token: await token(ANA) }))).toBe('BAD_USER_INPUT');
  });
});

describe('the export job', () => {
  it('Ana has a rejected verification submission, an inbox notice and a cancelled erasure request', async () => {
    await stack.database
      .rows(sql`insert into identity.verifications (id, member_id, level, status, submitted_at, decided_at, decided_by, rejection_reason)
      values ('00000000-0000-4000-8000-00000000e001', ${ANA.id}, 'advanced', 'rejected', ${new Date(clock.getTime() - 5000).toISOString()}, ${new Date(clock.getTime() - 4000).toISOString()}, 'reviewer', 'The photo is blurred.')`);
    await stack.database.rows(sql`insert into identity.inbox_notices (id, member_id, event_id, kind, title, body, created_at)
      values ('00000000-0000-4000-8000-00000000e002', ${ANA.id}, '00000000-0000-4000-8000-00000000e003', 'tier_changed', 'Your tier is now Gold', 'You moved from Silver to Gold.', ${clock.toISOString()})`);
    expect((await stack.gql(`mutation { requestErasure { status } }`, {}, { token: await token(ANA) })).body.errors).toBeUndefined();
    expect((await stack.gql(`mutation { cancelErasure { status } }`, {}, { token: await token(ANA) })).body.errors).toBeUndefined();
  });

  it("the job assembles Ana's export; she downloads JSON with her email, orders, points ledger and tier", async () => {
    expect(await job()).toEqual({ ready: [anaExportId], failed: [], expired: 0 });
    const res = await stack.gql(ONE, { id: anaExportId }, { token: await token(ANA) });
    expect(res.body.errors).toBeUndefined();
    const exported = res.body.data.dataExport;
    expect(exported).toMatchObject({
      status: 'READY',
      readyAt: clock.toISOString(),
      expiresAt: new Date(clock.getTime() + 72 * 3_600_000).toISOString(),
    });
    const doc = JSON.parse(exported.downloadJson);
    expect(doc).toMatchObject({ format: 'membership-data-export/v1', memberId: ANA.id });
    expect(doc.identity.profile).toMatchObject({ displayName: 'Ana', email: ANA.email });
    expect(doc.identity.verification).toEqual({ level: 'none', expiresAt: null });
    expect(doc.identity.verificationSubmissions).toEqual([
      expect.objectContaining({ level: 'advanced', status: 'rejected', rejectionReason: 'The photo is blurred.', realName: null }),
    ]);
    expect(doc.identity.inboxNotices).toContainEqual(
      expect.objectContaining({ kind: 'tier_changed', title: 'Your tier is now Gold', readAt: null }),
    );
    expect(doc.identity.erasureRequests).toEqual([
      expect.objectContaining({ status: 'cancelled', cancelledAt: expect.any(String), completedAt: null }),
    ]);
    expect(doc.orders.orders).toHaveLength(3);
    expect(doc.orders.orders[0]).toMatchObject({
      total: { amount: expect.any(Number), currency: expect.any(String) },
      lines: expect.any(Array),
    });
    expect(doc.points.ledger.length).toBeGreaterThan(0);
    expect(doc.tiers.tier).toMatchObject({ code: expect.any(String) });
    expect(doc.moderation).toMatchObject({ memberId: ANA.id, sanctions: expect.any(Array) });
  });

  it('the stored export is sealed: the row holds no plaintext email', async () => {
    const rows = await stack.database.rows<{ row: string }>(
      sql`select t::text as row from identity.data_exports t where id = ${anaExportId}`,
    );
    expect(rows[0]?.row).toBeTruthy();
    expect(rows[0]!.row).not.toContain(ANA.email);
  });

  it("Bo cannot read Ana's export (NOT_FOUND), and has none of his own", async () => {
    const res = await stack.gql(ONE, { id: anaExportId }, { token: await token(BO) });
    expect(codeOf(res)).toBe('NOT_FOUND');
    expect(res.body.data?.dataExport ?? null).toBeNull();
    expect((await stack.gql(MINE, {}, { token: await token(BO) })).body.data.me.dataExports).toEqual([]);
  });

  it('staff with members:read see that Ana has an export but cannot read its contents', async () => {
    const staff = await stack.staffToken(['members:read']);
    const res = await stack.gql(
      `query ($id: ID!) { member(id: $id) { dataExports { status downloadJson } } }`,
      { id: ANA.id },
      { token: staff },
    );
    expect(res.body.data.member.dataExports).toEqual([{ status: 'READY', downloadJson: null }]);
    expect(codeOf(res)).toBe('FORBIDDEN');
  });

  it("a subgraph that does not answer fails Chen's export; he sees FAILED and may ask again", async () => {
    const requested = await stack.gql(REQUEST, {}, { token: await token(CHEN) });
    const id = requested.body.data.requestDataExport.id;
    expect(await job({ ...otherSubgraphs(), orders: 'http://127.0.0.1:9/' })).toEqual({ ready: [], failed: [id], expired: 0 });
    const res = await stack.gql(ONE, { id }, { token: await token(CHEN) });
    expect(res.body.data.dataExport).toMatchObject({ status: 'FAILED', downloadJson: null });
    expect((await stack.gql(REQUEST, {}, { token: await token(CHEN) })).body.data.requestDataExport.status).toBe('PENDING');
  });

  it("72 hours after it was ready Ana's export is EXPIRED, gives nothing, and the job drops the document", async () => {
    clock = new Date(clock.getTime() + 72 * 3_600_000);
    const res = await stack.gql(ONE, { id: anaExportId }, { token: await token(ANA) });
    expect(res.body.data.dataExport).toMatchObject({ status: 'EXPIRED', downloadJson: null });
    const run = await job();
    expect(run.expired).toBe(1);
    const [row] = await stack.database.rows<{ sealed: boolean }>(
      sql`select document_ciphertext is not null as sealed from identity.data_exports where id = ${anaExportId}`,
    );
    expect(row).toEqual({ sealed: false });
  });
});
