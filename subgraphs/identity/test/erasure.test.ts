import { describe, expect, it } from 'vitest';
import { createLogger } from '@membership/config';
import { sql } from '@membership/db';
import { DEMO_MEMBERS } from '@membership/stack';
import { TEST_ENV, rowsMentioning, type TestStack } from '@membership/testing';
import { useTestStack } from '@membership/testing/per-file';
import { createKeyRing, lookupHash } from '../src/domain/encryption.js';
import { runDueErasures } from '../src/domain/erasure.js';
import { checkCharacter } from '../src/domain/resident-id.js';
import { loadIdentityEnv } from '../src/env.js';
import { systemServices } from '../src/services.js';

// Real time: the gateway checks access tokens against the wall clock.
let clock = new Date();
const advanceDays = (days: number) => (clock = new Date(clock.getTime() + days * 86_400_000));
let stack: TestStack;
useTestStack({ now: () => clock, beforeEachTest: () => (clock = new Date(clock.getTime() + 1000)), started: (s) => (stack = s) });

const [ANA, BO, CHEN, DEE] = DEMO_MEMBERS;
const START = clock;
const SCHEMAS = ['identity', 'tiers', 'points', 'orders', 'moderation'];
const DEE_REAL_NAME = '戴安迪';
const DEE_ID_NUMBER = `31010419850612003${checkCharacter('31010419850612003')}`;
const ring = createKeyRing(loadIdentityEnv({ ...TEST_ENV }));
const DEE_EMAIL_LOOKUP = lookupHash(ring, 'email', DEE.email);
const BO_PHONE_LOOKUP = lookupHash(ring, 'phone', BO.phone);

const REQUEST = `mutation { requestErasure { id status requestedAt dueAt cancelledAt completedAt } }`;
const CANCEL = `mutation { cancelErasure { id status cancelledAt } }`;
const MINE = `{ me { displayName email erasureRequest { status dueAt completedAt } } }`;
const LOGIN = `mutation ($input: LoginInput!) { login(input: $input) { refreshToken } }`;
const REFRESH = `mutation ($t: String!) { refreshSession(refreshToken: $t) { accessToken } }`;
const codeOf = (res: { body: { errors?: { extensions?: { code?: string } }[] } }) => res.body.errors?.[0]?.extensions?.code;
const token = (m: { id: string }) => stack.memberToken(m.id);
const job = () =>
  runDueErasures(systemServices({ database: stack.database, env: { ...TEST_ENV }, logger: createLogger('test', 'silent') }).erasure, clock);

async function count(table: string): Promise<number> {
  const [row] = await stack.database.rows<{ n: string | number }>(sql.raw(`select count(*) as n from identity.${table}`));
  return Number(row?.n);
}

/** Every row of every table of the five subgraph schemas, as text. */
async function everySchemaAsText(): Promise<string> {
  const dumps: string[] = [];
  for (const schema of SCHEMAS) {
    const tables = await stack.database.rows<{ name: string }>(
      sql`select table_name as name from information_schema.tables where table_schema = ${schema} and table_type = 'BASE TABLE'`,
    );
    for (const t of tables) {
      const rows = await stack.database.rows<{ row: string }>(sql.raw(`select t::text as row from "${schema}"."${t.name}" t`));
      dumps.push(...rows.map((r) => r.row));
    }
  }
  return dumps.join('\n');
}

let deeRefreshToken: string;

describe('before the erasure', () => {
  it('an anonymous caller cannot ask for erasure', async () => {
    expect(codeOf(await stack.gql(REQUEST))).toBe('UNAUTHENTICATED');
  });

  it('Dee has verified her real name, holds a session, and her data is in identity, tiers and points', async () => {
    const verified = await stack.gql(
      `mutation ($input: PrimaryVerificationInput!) { submitPrimaryVerification(input: $input) { status } }`,
      { input: { realName: DEE_REAL_NAME, idNumber: DEE_ID_NUMBER } },
      { token: await token(DEE) },
    );
    expect(verified.body.data?.submitPrimaryVerification.status).toBe('APPROVED');
    const dee = await token(DEE);
    const renamed = await stack.gql(`mutation { updateProfile(displayName: "Dee Wong") { displayName } }`, {}, { token: dee });
    expect(renamed.body.data?.updateProfile.displayName).toBe('Dee Wong');
    const consented = await stack.gql(`mutation { updateMarketingPreferences(input: { email: true }) { email } }`, {}, { token: dee });
    expect(consented.body.data?.updateMarketingPreferences.email).toBe(true);
    expect((await stack.gql(`mutation { requestDataExport { status } }`, {}, { token: dee })).body.data?.requestDataExport.status).toBe(
      'PENDING',
    );
    const login = await stack.gql(LOGIN, { input: { login: DEE.email, password: DEE.password } });
    deeRefreshToken = login.body.data.login.refreshToken;
    expect(deeRefreshToken).toBeTruthy();
    const dump = await everySchemaAsText();
    expect(dump).toContain(DEE_EMAIL_LOOKUP);
    expect(dump).toContain(BO_PHONE_LOOKUP);
    expect(Object.keys(await rowsMentioning(stack, 'tiers', DEE.id))).not.toEqual([]);
    expect(Object.keys(await rowsMentioning(stack, 'points', DEE.id))).not.toEqual([]);
    expect(Object.keys(await rowsMentioning(stack, 'orders', BO.id))).not.toEqual([]);
  });

  it('Dee asks for erasure and sees it pending for fifteen days', async () => {
    const res = await stack.gql(REQUEST, {}, { token: await token(DEE) });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.requestErasure).toMatchObject({
      status: 'PENDING',
      requestedAt: clock.toISOString(),
      dueAt: new Date(clock.getTime() + 15 * 86_400_000).toISOString(),
      cancelledAt: null,
      completedAt: null,
    });
    const me = await stack.gql(MINE, {}, { token: await token(DEE) });
    expect(me.body.data.me).toMatchObject({
      displayName: 'Dee Wong',
      email: DEE.email,
      erasureRequest: { status: 'PENDING', completedAt: null },
    });
  });

  it('Dee cannot ask again while her request is pending: CONFLICT, and nothing more is written', async () => {
    const before = await count('erasure_requests');
    const res = await stack.gql(REQUEST, {}, { token: await token(DEE) });
    expect(codeOf(res)).toBe('CONFLICT');
    const due = new Date(START.getTime() + 15 * 86_400_000 + 1000).toISOString().slice(0, 10);
    expect(res.body.errors?.[0]?.message).toContain(`already asked for erasure; it happens on ${due}`);
    expect(await count('erasure_requests')).toBe(before);
  });

  it('Chen asks, changes his mind and cancels; cancelling again is NOT_FOUND', async () => {
    expect((await stack.gql(REQUEST, {}, { token: await token(CHEN) })).body.data.requestErasure.status).toBe('PENDING');
    const cancelled = await stack.gql(CANCEL, {}, { token: await token(CHEN) });
    expect(cancelled.body.data.cancelErasure).toMatchObject({ status: 'CANCELLED', cancelledAt: clock.toISOString() });
    expect(codeOf(await stack.gql(CANCEL, {}, { token: await token(CHEN) }))).toBe('NOT_FOUND');
  });

  it('Ana, who never asked, has nothing to cancel (NOT_FOUND) and no erasure request', async () => {
    expect(codeOf(await stack.gql(CANCEL, {}, { token: await token(ANA) }))).toBe('NOT_FOUND');
    expect((await stack.gql(MINE, {}, { token: await token(ANA) })).body.data.me.erasureRequest).toBeNull();
  });

  it('Bo asks too, a day after Dee', async () => {
    advanceDays(1);
    expect((await stack.gql(REQUEST, {}, { token: await token(BO) })).body.data.requestErasure.status).toBe('PENDING');
  });

  it('fourteen days after Dee asked, the job erases nobody', async () => {
    clock = new Date(START.getTime() + 14 * 86_400_000);
    expect(await job()).toEqual({ erased: [], failed: [] });
    expect(await count('member_keys')).toBe(4);
  });
});

describe('after the grace period', () => {
  it('fifteen days after she asked, the job erases Dee and only Dee; Bo still has a day', async () => {
    clock = new Date(START.getTime() + 15 * 86_400_000 + 10_000);
    expect(await job()).toEqual({ erased: [DEE.id], failed: [] });
    expect(await job()).toEqual({ erased: [], failed: [] });
    await stack.drainEvents();
  });

  it('once his grace period is over Bo can no longer cancel (CONFLICT); the next run erases him', async () => {
    advanceDays(1);
    const res = await stack.gql(CANCEL, {}, { token: await token(BO) });
    expect(codeOf(res)).toBe('CONFLICT');
    expect(await job()).toEqual({ erased: [BO.id], failed: [] });
    await stack.drainEvents();
  });

  it('no schema holds a readable or findable personal value of Dee or Bo: no email, phone, lookup hash, name or ID number', async () => {
    const dump = await everySchemaAsText();
    for (const value of [
      'Dee Wong',
      DEE.email,
      DEE_EMAIL_LOOKUP,
      BO.phone,
      BO.phone.slice(3),
      BO_PHONE_LOOKUP,
      DEE_REAL_NAME,
      DEE_ID_NUMBER.slice(0, 17),
    ]) {
      expect(dump).not.toContain(value);
    }
    const names = await stack.database.rows<{ id: string; display_name: string }>(
      sql`select id, display_name from identity.members where id in (${DEE.id}, ${BO.id}) order by id`,
    );
    expect(names.map((r) => r.display_name)).toEqual(['Erased member', 'Erased member']);
  });

  it("tiers, points, orders and moderation no longer link Dee's or Bo's member id", async () => {
    for (const schema of ['tiers', 'points', 'orders', 'moderation']) {
      expect(await rowsMentioning(stack, schema, DEE.id)).toEqual({});
      expect(await rowsMentioning(stack, schema, BO.id)).toEqual({});
    }
  });

  it('identity keeps only the anonymised account, the done request and the MemberErased event for Dee (see docs/DATA-RETENTION.md)', async () => {
    const found = await rowsMentioning(stack, 'identity', DEE.id);
    // pii_access_log may hold reads of her data by others: a legal record, owner id only.
    const { pii_access_log: _kept, ...rest } = found;
    expect(rest).toEqual({ members: 1, erasure_requests: 1, outbox: 1 });
    const [event] = await stack.database.rows<{ type: string; published: boolean }>(
      sql`select type, published_at is not null as published from identity.outbox where payload ->> 'memberId' = ${DEE.id}`,
    );
    expect(event).toEqual({ type: 'MemberErased', published: true });
  });

  it("Dee's refresh token no longer works and she cannot sign in with her old email and password", async () => {
    expect(codeOf(await stack.gql(REFRESH, { t: deeRefreshToken }))).toBe('UNAUTHENTICATED');
    expect(codeOf(await stack.gql(LOGIN, { input: { login: DEE.email, password: DEE.password } }))).toBe('UNAUTHENTICATED');
  });

  it("Dee's access tokens stop working once she is erased (the session check says erased): she can neither read nor ask nor cancel", async () => {
    const me = await stack.gql(MINE, {}, { token: await token(DEE) });
    expect(me.status).toBe(401);
    expect(me.body.errors?.[0]?.message).toMatch(/erased/);
    expect((await stack.gql(REQUEST, {}, { token: await token(DEE) })).status).toBe(401);
    expect((await stack.gql(CANCEL, {}, { token: await token(DEE) })).status).toBe(401);
  });

  it('what staff see of Dee: an erased member with no email, and her request DONE', async () => {
    const staff = await stack.staffToken(['members:read', 'pii:contact:read']);
    const res = await stack.gql(
      `query ($id: ID!) { member(id: $id) { displayName email erasedAt erasureRequest { status completedAt } } }`,
      { id: DEE.id },
      { token: staff, headers: { 'x-access-purpose': 'support' } },
    );
    expect(res.body.data.member).toMatchObject({
      displayName: 'Erased member',
      email: null,
      erasedAt: expect.any(String),
      erasureRequest: { status: 'DONE', completedAt: expect.any(String) },
    });
  });

  it('Chen, who cancelled, keeps his account and email', async () => {
    const me = await stack.gql(MINE, {}, { token: await token(CHEN) });
    expect(me.body.data.me).toMatchObject({ displayName: 'Chen', email: CHEN.email, erasureRequest: { status: 'CANCELLED' } });
  });
});
