import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '@membership/db';
import { TEST_ENV, startTestStack, type TestStack } from '@membership/testing';
import { MembersRepository } from '../src/db/members-repository.js';
import { createKeyRing } from '../src/domain/encryption.js';
import { ALL_MEMBERS } from '../src/domain/scope.js';
import { loadIdentityEnv } from '../src/env.js';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

const REGISTER = `mutation Register($input: RegisterInput!) { register(input: $input) { accessToken member { id } } }`;

/** Every row of every table in the identity schema, as text. */
async function identityTablesAsText(): Promise<string> {
  const tables = await stack.database.rows<{ name: string }>(
    sql`select table_name as name from information_schema.tables where table_schema = 'identity' and table_type = 'BASE TABLE'`,
  );
  expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(['members', 'member_keys']));
  const dumps = await Promise.all(
    tables.map((t) => stack.database.rows<{ row: string }>(sql.raw(`select t::text as row from identity."${t.name}" t`))),
  );
  return dumps
    .flat()
    .map((r) => r.row)
    .join('\n');
}

describe('contact values at rest', () => {
  it("Hana's email and Ivo's phone number are nowhere in identity's tables in plaintext, yet both sign in and read them back", async () => {
    const hana = await stack.gql(REGISTER, {
      input: { email: 'hana.plain@example.com', password: 'Harbour-lights-42', displayName: 'Hana' },
    });
    const ivo = await stack.gql(REGISTER, { input: { phone: '+8613911112222', password: 'Harbour-lights-42', displayName: 'Ivo' } });
    expect(hana.body.errors).toBeUndefined();
    expect(ivo.body.errors).toBeUndefined();

    const dump = await identityTablesAsText();
    expect(dump).toContain(hana.body.data.register.member.id);
    for (const plain of ['hana.plain', 'example.com', '13911112222', 'ana@example.com', '13812345678']) expect(dump).not.toContain(plain);

    const me = await stack.gql('{ me { email phone } }', {}, { token: ivo.body.data.register.accessToken });
    expect(me.body.data.me).toEqual({ email: null, phone: '+8613911112222' });
    const login = await stack.gql(
      `mutation { login(input: { login: "HANA.plain@example.com", password: "Harbour-lights-42" }) { member { displayName } } }`,
    );
    expect(login.body.data.login.member.displayName).toBe('Hana');
  });

  it('staff listing 2 or 4 members with their contact values cost the same number of SQL statements', async () => {
    const token = await stack.staffToken(['members:read', 'pii:contact:read']);
    const query = `query ($first: Int!) { members(first: $first) { edges { node { id email phone } } } }`;
    const statementsFor = async (first: number) => {
      const before = stack.database.statementCount();
      const res = await stack.gql(query, { first }, { token, headers: { 'x-access-purpose': 'support' } });
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data.members.edges).toHaveLength(first);
      return stack.database.statementCount() - before;
    };
    expect(await statementsFor(4)).toBe(await statementsFor(2));
  });

  it("once Dee's data key is destroyed nobody reads her email again and she cannot sign in with it", async () => {
    const dee = stack.demo[3];
    const env = loadIdentityEnv({ ...TEST_ENV });
    await new MembersRepository(stack.database.db, createKeyRing(env), ALL_MEMBERS).destroyDataKey(dee.id);

    const token = await stack.memberToken(dee.id);
    const me = await stack.gql('{ me { displayName email } }', {}, { token });
    expect(me.body.data.me).toEqual({ displayName: 'Dee', email: null });
    const login = await stack.gql(`mutation { login(input: { login: "${dee.email}", password: "${dee.password}" }) { accessToken } }`);
    expect(login.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
