import { describe, expect, it } from 'vitest';
import { createLogger } from '@membership/config';
import { sql } from '@membership/db';
import { DEMO_MEMBERS } from '@membership/stack';
import { TEST_ENV, type TestStack } from '@membership/testing';
import { useTestStack } from '@membership/testing/per-file';
import { runPendingExports } from '../src/domain/data-export.js';
import { runDueErasures } from '../src/domain/erasure.js';
import { systemServices } from '../src/services.js';

let clock = new Date();
let stack: TestStack;
useTestStack({ now: () => clock, beforeEachTest: () => (clock = new Date(clock.getTime() + 1000)), started: (s) => (stack = s) });

const [ANA, BO] = DEMO_MEMBERS;
const FIELDS = `birthday gender address { province city district line postalCode } interests memberType profileCompletedAt`;
const UPDATE = `mutation ($birthday: String, $gender: Gender, $address: AddressInput, $interests: [Interest!], $memberType: MemberType) {
  updateProfile(birthday: $birthday, gender: $gender, address: $address, interests: $interests, memberType: $memberType) { ${FIELDS} }
}`;
const ME = `{ me { ${FIELDS} profileChanges { fields } } }`;
const ONE = `query ($id: ID!) { member(id: $id) { ${FIELDS} } }`;
const ADDRESS = { province: '上海市', city: '上海市', district: '静安区', line: '南京西路 1266 号 12 楼', postalCode: '200040' };
const codeOf = (res: { body: { errors?: { extensions?: { code?: string } }[] } }) => res.body.errors?.[0]?.extensions?.code;
const token = (m: { id: string }) => stack.memberToken(m.id);
const services = () =>
  systemServices({ database: stack.database, env: { ...TEST_ENV }, logger: createLogger('test', 'silent'), now: () => clock });

async function completedEvents(memberId: string): Promise<number> {
  const [row] = await stack.database.rows<{ n: string | number }>(
    sql`select count(*) as n from identity.outbox where type = 'MemberProfileCompleted' and payload ->> 'memberId' = ${memberId}`,
  );
  return Number(row?.n);
}
async function profileRow(id: string): Promise<string> {
  const [row] = await stack.database.rows<{ row: string }>(
    sql`select t::text as row from identity.member_profiles t where member_id = ${id}`,
  );
  return row?.row ?? '';
}

describe('optional profile fields', () => {
  it('Ana has none of them at first, and her type is INDIVIDUAL', async () => {
    const res = await stack.gql(ME, {}, { token: await token(ANA) });
    expect(res.body.data.me).toMatchObject({
      birthday: null,
      gender: null,
      address: null,
      interests: [],
      memberType: 'INDIVIDUAL',
      profileCompletedAt: null,
    });
  });

  it.each([
    ['a birthday that is not a date', { birthday: '1990-02-30' }, 'birthday'],
    ['a birthday in the future', { birthday: '2999-01-01' }, 'birthday'],
    ['a birthday 200 years ago', { birthday: '1800-01-01' }, 'birthday'],
    ['a five-digit postal code', { address: { ...ADDRESS, postalCode: '20004' } }, 'address.postalCode'],
    ['an address without a line', { address: { ...ADDRESS, line: ' ' } }, 'address.line'],
  ])('Ana giving %s gets BAD_USER_INPUT naming the field, and nothing is written', async (_what, vars, field) => {
    const before = await profileRow(ANA.id);
    const res = await stack.gql(UPDATE, vars, { token: await token(ANA) });
    expect(res.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(await profileRow(ANA.id)).toBe(before);
  });

  it('an interest not on the list is refused by the schema', async () => {
    expect(codeOf(await stack.gql(UPDATE, { interests: ['KNITTING'] }, { token: await token(ANA) }))).toBe('BAD_USER_INPUT');
  });

  it('Ana gives her birthday, gender and address: not complete yet, no event', async () => {
    const res = await stack.gql(UPDATE, { birthday: '1990-05-17', gender: 'FEMALE', address: ADDRESS }, { token: await token(ANA) });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.updateProfile).toEqual({
      birthday: '1990-05-17',
      gender: 'FEMALE',
      address: ADDRESS,
      interests: [],
      memberType: 'INDIVIDUAL',
      profileCompletedAt: null,
    });
    expect(await completedEvents(ANA.id)).toBe(0);
  });

  it('with her first interests the profile is complete: MemberProfileCompleted is recorded once, with the time', async () => {
    const res = await stack.gql(UPDATE, { interests: ['TRAVEL', 'BOOKS', 'TRAVEL'] }, { token: await token(ANA) });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.updateProfile).toMatchObject({ interests: ['TRAVEL', 'BOOKS'], profileCompletedAt: clock.toISOString() });
    expect(await completedEvents(ANA.id)).toBe(1);
    const [event] = await stack.database.rows<{ payload: unknown }>(
      sql`select payload from identity.outbox where type = 'MemberProfileCompleted'`,
    );
    expect(event!.payload).toEqual({ memberId: ANA.id, completedAt: clock.toISOString() });
  });

  it('the values are sealed at rest: the profile row holds none of them', async () => {
    const row = await profileRow(ANA.id);
    for (const value of ['1990-05-17', 'female', '南京西路', '200040', 'travel']) expect(row).not.toContain(value);
  });

  it('the change log names the fields, never the values', async () => {
    const res = await stack.gql(ME, {}, { token: await token(ANA) });
    expect(res.body.data.me.profileChanges.map((c: { fields: string[] }) => c.fields)).toEqual([
      ['interests'],
      ['birthday', 'gender', 'address'],
    ]);
  });

  it('Ana removes her gender and address and empties her interests; completing again later records no second event', async () => {
    const removed = await stack.gql(UPDATE, { gender: null, address: null, interests: [] }, { token: await token(ANA) });
    expect(removed.body.data.updateProfile).toMatchObject({ birthday: '1990-05-17', gender: null, address: null, interests: [] });
    const again = await stack.gql(UPDATE, { gender: 'OTHER', address: ADDRESS, interests: ['MUSIC'] }, { token: await token(ANA) });
    expect(again.body.errors).toBeUndefined();
    expect(await completedEvents(ANA.id)).toBe(1);
  });

  it("two racing requests completing Bo's profile record one event", async () => {
    await stack.gql(UPDATE, { birthday: '1985-01-02', gender: 'MALE' }, { token: await token(BO) });
    const results = await Promise.all([
      stack.gql(UPDATE, { address: ADDRESS, interests: ['FOOD'] }, { token: await token(BO) }),
      stack.gql(UPDATE, { address: { ...ADDRESS, line: '另一条路 1 号' }, interests: ['GAMES'] }, { token: await token(BO) }),
    ]);
    for (const r of results) expect(r.body.errors).toBeUndefined();
    expect(await completedEvents(BO.id)).toBe(1);
  });

  it("staff with members:read but no pii:identity:read or pii:location:read get none of Ana's fields", async () => {
    const staff = await stack.staffToken(['members:read']);
    const res = await stack.gql(ONE, { id: ANA.id }, { token: staff, headers: { 'x-access-purpose': 'support' } });
    expect(res.body.data.member).toMatchObject({ birthday: null, gender: null, address: null, interests: null });
    expect(res.body.errors?.map((e: { extensions?: { code?: string } }) => e.extensions?.code)).toContain('FORBIDDEN');
  });

  it("staff with pii:identity:read and a purpose read Ana's birthday, not her address", async () => {
    const staff = await stack.staffToken(['members:read', 'pii:identity:read']);
    const res = await stack.gql(ONE, { id: ANA.id }, { token: staff, headers: { 'x-access-purpose': 'support' } });
    expect(res.body.data.member).toMatchObject({ birthday: '1990-05-17', gender: 'OTHER', address: null });
  });
});

describe('export and erasure', () => {
  it("Ana's data export carries her optional fields", async () => {
    const requested = await stack.gql(`mutation { requestDataExport { id } }`, {}, { token: await token(ANA) });
    const id = requested.body.data.requestDataExport.id;
    const subgraphUrls = Object.fromEntries(
      Object.entries(stack.subgraphs)
        .filter(([n]) => n !== 'identity')
        .map(([n, s]) => [n, s.url]),
    );
    await runPendingExports(
      systemServices({
        database: stack.database,
        env: { ...TEST_ENV },
        logger: createLogger('test', 'silent'),
        now: () => clock,
        subgraphUrls,
      }).dataExport,
      clock,
    );
    const res = await stack.gql(`query ($id: ID!) { dataExport(id: $id) { downloadJson } }`, { id }, { token: await token(ANA) });
    const doc = JSON.parse(res.body.data.dataExport.downloadJson);
    expect(doc.identity.profile).toMatchObject({
      memberType: 'individual',
      birthday: '1990-05-17',
      gender: 'other',
      address: ADDRESS,
      interests: ['music'],
      profileCompletedAt: expect.any(String),
    });
  });

  it('erasing Ana removes her optional profile with the rest', async () => {
    expect((await stack.gql(`mutation { requestErasure { id } }`, {}, { token: await token(ANA) })).body.errors).toBeUndefined();
    clock = new Date(clock.getTime() + 16 * 86_400_000);
    await runDueErasures(services().erasure, clock);
    expect(await profileRow(ANA.id)).toBe('');
    const staff = await stack.staffToken(['members:read', 'pii:identity:read', 'pii:location:read', 'pii:behaviour:read']);
    const res = await stack.gql(ONE, { id: ANA.id }, { token: staff, headers: { 'x-access-purpose': 'support' } });
    expect(res.body.data.member).toMatchObject({ birthday: null, gender: null, address: null, profileCompletedAt: null });
  });
});
