import { describe, expect, it } from 'vitest';
import { sql } from '@membership/db';
import { DEMO_MEMBERS } from '@membership/stack';
import { type TestStack } from '@membership/testing';
import { useTestStack } from '@membership/testing/per-file';

let clock = new Date();
let stack: TestStack;
useTestStack({ now: () => clock, beforeEachTest: () => (clock = new Date(clock.getTime() + 1000)), started: (s) => (stack = s) });

const [ANA, BO, CHEN] = DEMO_MEMBERS;
const UPDATE = `mutation ($displayName: String, $email: String, $phone: String) {
  updateProfile(displayName: $displayName, email: $email, phone: $phone) { displayName email phone emailVerifiedAt }
}`;
const CHANGES = `{ me { profileChanges { changedAt actorKind actorId fields } } }`;
const LOGIN = `mutation ($login: String!, $password: String!) { login(input: { login: $login, password: $password }) { member { id } } }`;
const codeOf = (res: { body: { errors?: { extensions?: { code?: string; field?: string } }[] } }) => res.body.errors?.[0]?.extensions?.code;
const token = (m: { id: string }) => stack.memberToken(m.id);

async function memberRow(id: string): Promise<string> {
  const [row] = await stack.database.rows<{ row: string }>(sql`select t::text as row from identity.members t where id = ${id}`);
  return row!.row;
}
async function changeCount(): Promise<number> {
  const [row] = await stack.database.rows<{ n: string | number }>(sql`select count(*) as n from identity.profile_changes`);
  return Number(row?.n);
}

describe('correcting a profile', () => {
  it('an anonymous caller cannot correct a profile', async () => {
    expect(codeOf(await stack.gql(UPDATE, { displayName: 'X' }))).toBe('UNAUTHENTICATED');
  });

  it('Ana corrects her display name and email; the new email is unverified and she signs in with it', async () => {
    const res = await stack.gql(UPDATE, { displayName: 'Ana Li', email: 'Ana.Li@Example.com' }, { token: await token(ANA) });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.updateProfile).toEqual({ displayName: 'Ana Li', email: 'ana.li@example.com', phone: null, emailVerifiedAt: null });
    expect(codeOf(await stack.gql(LOGIN, { login: 'ana.li@example.com', password: ANA.password }))).toBeUndefined();
    expect(codeOf(await stack.gql(LOGIN, { login: ANA.email, password: ANA.password }))).toBe('UNAUTHENTICATED');
  });

  it('the change log says Ana changed displayName and email, when, and holds neither value, old or new', async () => {
    const res = await stack.gql(CHANGES, {}, { token: await token(ANA) });
    expect(res.body.data.me.profileChanges).toEqual([
      { changedAt: new Date(clock.getTime() - 1000).toISOString(), actorKind: 'member', actorId: ANA.id, fields: ['displayName', 'email'] },
    ]);
    const rows = await stack.database.rows<{ row: string }>(sql`select t::text as row from identity.profile_changes t`);
    const dump = rows.map((r) => r.row).join('\n');
    for (const value of ['Ana Li', 'ana.li@example.com', ANA.email]) expect(dump).not.toContain(value);
    expect(await memberRow(ANA.id)).not.toContain('ana.li@example.com');
  });

  it('Ana adds a phone number and then removes her email; one contact always remains', async () => {
    const added = await stack.gql(UPDATE, { phone: '139 8765 4321' }, { token: await token(ANA) });
    expect(added.body.data.updateProfile).toMatchObject({ email: 'ana.li@example.com', phone: '+8613987654321' });
    clock = new Date(clock.getTime() + 1000);
    const removed = await stack.gql(UPDATE, { email: null }, { token: await token(ANA) });
    expect(removed.body.data.updateProfile).toMatchObject({ email: null, phone: '+8613987654321' });
    const before = await changeCount();
    const refused = await stack.gql(UPDATE, { phone: null }, { token: await token(ANA) });
    expect(codeOf(refused)).toBe('BAD_USER_INPUT');
    expect(await changeCount()).toBe(before);
  });

  it.each([
    ['nothing', {}, 'BAD_USER_INPUT', 'input'],
    ['a malformed email', { email: 'chen@' }, 'BAD_USER_INPUT', 'email'],
    ['a malformed phone', { phone: '12345' }, 'BAD_USER_INPUT', 'phone'],
    ['a display name of 65 characters', { displayName: 'c'.repeat(65) }, 'BAD_USER_INPUT', 'displayName'],
    ["Bo's phone number", { phone: BO.phone }, 'CONFLICT', 'phone'],
    ['an email another account uses', { email: 'dee@example.com' }, 'CONFLICT', 'email'],
  ])('Chen correcting with %s gets %s naming the field, and nothing is written', async (_what, vars, code, field) => {
    const before = { row: await memberRow(CHEN.id), changes: await changeCount() };
    const res = await stack.gql(UPDATE, vars, { token: await token(CHEN) });
    expect(res.body.errors?.[0]?.extensions).toMatchObject({ code, field });
    expect({ row: await memberRow(CHEN.id), changes: await changeCount() }).toEqual(before);
  });

  it('a correction that changes nothing writes nothing', async () => {
    const before = await changeCount();
    const res = await stack.gql(UPDATE, { displayName: 'Chen', email: 'CHEN@example.com' }, { token: await token(CHEN) });
    expect(res.body.data.updateProfile).toMatchObject({ displayName: 'Chen', email: CHEN.email });
    expect(await changeCount()).toBe(before);
  });

  it("support staff (members:read) cannot read Ana's change log; an auditor can", async () => {
    const query = `query ($id: ID!) { member(id: $id) { profileChanges { fields } } }`;
    expect(codeOf(await stack.gql(query, { id: ANA.id }, { token: await stack.staffToken(['members:read']) }))).toBe('FORBIDDEN');
    const audit = await stack.gql(query, { id: ANA.id }, { token: await stack.staffToken(['members:read', 'audit:read']) });
    expect(audit.body.data.member.profileChanges.map((c: { fields: string[] }) => c.fields)).toEqual([
      ['email'],
      ['phone'],
      ['displayName', 'email'],
    ]);
  });
});
