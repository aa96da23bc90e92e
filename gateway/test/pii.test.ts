import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@membership/config';
import { composeSupergraph } from '@membership/composition';
import { sql } from '@membership/db';
import { startSubgraphServer, type RunningServer } from '@membership/subgraph';
import { TEST_ENV, startTestStack, type TestStack } from '@membership/testing';
import { loadGatewayEnv, startGateway } from '../src/index.js';
import { DIRECTORY_SDL, directorySubgraph } from './fixtures/directory-subgraph.js';

const logger = createLogger('test', 'silent');
let stack: TestStack;
let directory: RunningServer;
let gatewayUrl: string;
const closers: (() => Promise<void>)[] = [];
let ana: { id: string }, bo: { id: string };

/** Identity plus the directory test subgraph, behind our gateway with the PII layer. */
async function directoryGateway(overrides: Parameters<typeof startGateway>[0] extends infer O ? Partial<O> : never = {}) {
  const composed = composeSupergraph([
    {
      name: 'identity',
      url: stack.subgraphs.identity!.url,
      sdl: readFileSync(new URL('../../subgraphs/identity/src/schema.graphql', import.meta.url), 'utf8'),
    },
    { name: 'directory', url: directory.url, sdl: DIRECTORY_SDL },
  ]);
  if (!composed.ok) throw new Error(composed.errors.join('\n'));
  const gateway = await startGateway({
    env: loadGatewayEnv({ ...TEST_ENV, PORT: '0' }),
    logger,
    supergraphSdl: composed.supergraphSdl,
    subgraphUrls: { identity: stack.subgraphs.identity!.url, directory: directory.url },
    ...overrides,
  });
  closers.push(gateway.close);
  return gateway.url;
}

async function post(url: string, query: string, options: { token?: string; headers?: Record<string, string>; variables?: unknown } = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...options.headers,
    },
    body: JSON.stringify({ query, variables: options.variables }),
  });
  return (await response.json()) as {
    data?: any;
    errors?: { message: string; path?: (string | number)[]; extensions: Record<string, any> }[];
  };
}

const codes = (body: { errors?: { extensions?: { code?: string } }[] }) => (body.errors ?? []).map((e) => e.extensions?.code);
const patterns = (body: { errors?: { extensions: Record<string, any> }[] }) =>
  Object.fromEntries(
    (body.errors ?? []).filter((e) => e.extensions.pathPattern).map((e) => [e.extensions.pathPattern, e.extensions.count]),
  );

beforeAll(async () => {
  stack = await startTestStack();
  [ana, bo] = [stack.demo[0], stack.demo[1]];
  directory = await startSubgraphServer(directorySubgraph(ana.id, { [ana.id]: 'Hangzhou', [bo.id]: 'Chengdu' }), {
    port: 0,
    trustedKeys: { gateway: TEST_ENV.GATEWAY_PUBLIC_KEY },
    logger,
  });
  gatewayUrl = await directoryGateway();
});
afterAll(async () => {
  for (const close of closers) await close();
  await directory?.close();
  await stack?.stop();
});

const supportHeaders = { 'x-access-purpose': 'support' };

describe('members and their own data', () => {
  it('Bo (member) reads his own phone in full', async () => {
    const res = await stack.gql('{ me { phone } }', {}, { token: await stack.memberToken(bo.id) });
    expect(res.body.data.me.phone).toBe('+8613812345678');
    expect(res.body.errors).toBeUndefined();
  });

  it("Ana (member) cannot read Bo's phone or home city, and still sees his name and her own email", async () => {
    const body = await post(gatewayUrl, `query($ids: [ID!]!) { memberDirectory(ids: $ids) { id displayName email phone homeCity } }`, {
      token: await stack.memberToken(ana.id),
      variables: { ids: [ana.id, bo.id] },
    });
    const [mine, his] = body.data.memberDirectory;
    expect(mine).toEqual({ id: ana.id, displayName: 'Ana', email: 'ana@example.com', phone: null, homeCity: 'Hangzhou' });
    expect(his).toEqual({ id: bo.id, displayName: 'Bo', email: null, phone: null, homeCity: null });
    expect(codes(body).every((c) => c === 'FORBIDDEN')).toBe(true);
    expect(patterns(body)).toEqual({ 'memberDirectory.*.email': 1, 'memberDirectory.*.phone': 1, 'memberDirectory.*.homeCity': 1 });
  });

  it('an anonymous caller gets FORBIDDEN for email and still gets displayName', async () => {
    const body = await post(gatewayUrl, `query($ids: [ID!]!) { memberDirectory(ids: $ids) { displayName email } }`, {
      variables: { ids: [ana.id, bo.id] },
    });
    expect(body.data.memberDirectory).toEqual([
      { displayName: 'Ana', email: null },
      { displayName: 'Bo', email: null },
    ]);
    expect(patterns(body)).toEqual({ 'memberDirectory.*.email': 2 });
    // identity refuses the field too; the client still sees one error for the path
    expect(body.errors).toHaveLength(1);
  });

  it('a new @pii field in another subgraph (directory homeCity, LOCATION) is protected with no gateway change', async () => {
    const token = await stack.staffToken(['members:read', 'pii:contact:read']);
    const body = await post(gatewayUrl, `query($ids: [ID!]!) { memberDirectory(ids: $ids) { email homeCity } }`, {
      token,
      headers: supportHeaders,
      variables: { ids: [ana.id] },
    });
    expect(body.data.memberDirectory[0]).toEqual({ email: 'ana@example.com', homeCity: null });
    expect(body.errors?.[0]?.message).toMatch(/pii:location:read/);
  });

  it('PII in a mutation payload is protected the same way: a new member registering anonymously gets no email back', async () => {
    const res = await stack.gql(
      `mutation { register(input: { email: "gil@example.com", password: "Harbour-lights-42", displayName: "Gil" }) { accessToken member { displayName email } } }`,
    );
    expect(res.body.data.register.accessToken).toBeTruthy();
    expect(res.body.data.register.member).toEqual({ displayName: 'Gil', email: null });
    expect(codes(res.body)).toEqual(['FORBIDDEN']);
  });
});

describe('staff', () => {
  const BO = `query($id: ID!) { member(id: $id) { displayName phone email } }`;

  it('Chen (support, masked contact) sees 138****5678', async () => {
    const token = await stack.staffToken(['members:read', 'pii:contact:masked']);
    const res = await stack.gql(BO, { id: bo.id }, { token, headers: supportHeaders });
    expect(res.body.data.member).toEqual({ displayName: 'Bo', phone: '138****5678', email: null });
    const anaRes = await stack.gql(`query($id: ID!) { member(id: $id) { email } }`, { id: ana.id }, { token, headers: supportHeaders });
    expect(anaRes.body.data.member.email).toBe('a***@example.com');
  });

  it('staff with full contact scope and a purpose see the phone in full', async () => {
    const token = await stack.staffToken(['members:read', 'pii:contact:read']);
    const res = await stack.gql(BO, { id: bo.id }, { token, headers: { 'x-access-purpose': 'refund-review' } });
    expect(res.body.data.member.phone).toBe('+8613812345678');
  });

  it('staff without a purpose see no PII and are told to send x-access-purpose', async () => {
    const token = await stack.staffToken(['members:read', 'pii:contact:read']);
    const res = await stack.gql(BO, { id: bo.id }, { token });
    expect(res.body.data.member).toEqual({ displayName: 'Bo', phone: null, email: null });
    expect(res.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(res.body.errors?.[0]?.message).toMatch(/x-access-purpose/);
  });

  it('staff stating a purpose that is not on the list are told which purposes are accepted', async () => {
    const token = await stack.staffToken(['members:read', 'pii:contact:read']);
    const res = await stack.gql(BO, { id: bo.id }, { token, headers: { 'x-access-purpose': 'curiosity' } });
    expect(res.body.data.member.phone).toBeNull();
    expect(res.body.errors?.[0]?.message).toMatch(/"curiosity" is not an accepted purpose.*support/);
  });

  it("the access-log row for a staff read of Bo's phone is written before the response arrives", async () => {
    const token = await stack.staffToken(['members:read', 'pii:contact:masked'], '00000000-0000-4000-8000-0000000057af');
    const res = await stack.gql(
      `query LookUpBo($id: ID!) { member(id: $id) { phone } }`,
      { id: bo.id },
      { token, headers: supportHeaders },
    );
    expect(res.body.data.member.phone).toBe('138****5678');
    const rows = await stack.database.rows<{
      viewer_id: string;
      purpose: string;
      fields: string[];
      operation_name: string;
      viewer_kind: string;
    }>(
      sql`select viewer_id, viewer_kind, purpose, fields, operation_name from identity.pii_access_log where owner_member_id = ${bo.id} and viewer_id = '00000000-0000-4000-8000-0000000057af'`,
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ viewer_kind: 'staff', purpose: 'support', fields: ['Member.phone'], operation_name: 'LookUpBo' });
    const log = await stack.gql(
      '{ me { piiAccessLog(first: 5) { edges { node { viewerKind purpose fields } } } } }',
      {},
      { token: await stack.memberToken(bo.id) },
    );
    expect(log.body.data.me.piiAccessLog.edges.map((e: { node: unknown }) => e.node)).toContainEqual({
      viewerKind: 'staff',
      purpose: 'support',
      fields: ['Member.phone'],
    });
  });

  it('a member reading their own data leaves no access-log row', async () => {
    const before = await stack.database.rows<{ n: number }>(
      sql`select count(*)::int as n from identity.pii_access_log where owner_member_id = ${ana.id}`,
    );
    await stack.gql('{ me { email } }', {}, { token: await stack.memberToken(ana.id) });
    const after = await stack.database.rows<{ n: number }>(
      sql`select count(*)::int as n from identity.pii_access_log where owner_member_id = ${ana.id}`,
    );
    expect(Number(after[0]?.n)).toBe(Number(before[0]?.n));
  });

  it('when the access log cannot be written, the PII is withheld and the rest of the answer stays', async () => {
    const url = await directoryGateway({ accessLog: { record: async () => Promise.reject(new Error('identity down')) } });
    const token = await stack.staffToken(['members:read', 'pii:contact:read']);
    const body = await post(url, `query($id: ID!) { member(id: $id) { displayName phone } }`, {
      token,
      headers: supportHeaders,
      variables: { id: bo.id },
    });
    expect(body.data.member).toEqual({ displayName: 'Bo', phone: null });
    expect(codes(body)).toEqual(['SERVICE_UNAVAILABLE']);
  });
});

describe('documents of every shape', () => {
  it('an alias in the reserved namespace cannot smuggle or shadow the owner id', async () => {
    const token = await stack.memberToken(bo.id);
    for (const query of [
      '{ people(count: 1) { _pii_owner_Person: memberId email } }',
      '{ people(count: 1) { email _pii_typename: name } }',
    ]) {
      const body = await post(gatewayUrl, query, { token });
      expect(body.data).toBeUndefined();
      expect(body.errors?.[0]?.message).toMatch(/reserved/);
    }
  });

  it("renaming fields with aliases does not change whose data a value is: Bo cannot read person 0's email by aliasing", async () => {
    const body = await post(gatewayUrl, '{ people(count: 1) { memberId: id id: memberId mail: email } }', {
      token: await stack.memberToken(bo.id),
    });
    expect(body.data.people[0]).toEqual({ memberId: 'p0', id: ana.id, mail: null });
    expect(patterns(body)).toEqual({ 'people.*.mail': 1 });
  });

  it('named fragments: Ana reads her own person email through a fragment and nobody else', async () => {
    const body = await post(gatewayUrl, 'query { people(count: 3) { ...Card } } fragment Card on Person { name email }', {
      token: await stack.memberToken(ana.id),
    });
    expect(body.data.people.map((p: { email: string | null }) => p.email)).toEqual(['person0@example.com', null, null]);
    expect(patterns(body)).toEqual({ 'people.*.email': 2 });
  });

  it('inline fragments on an interface and a union are guarded too', async () => {
    const token = await stack.memberToken(ana.id);
    const body = await post(gatewayUrl, '{ contacts { email } search { __typename ... on Person { email } ... on Company { name } } }', {
      token,
    });
    expect(body.data.contacts).toEqual([{ email: 'person0@example.com' }, { email: null }]);
    expect(body.data.search).toEqual([
      { __typename: 'Person', email: 'person0@example.com' },
      { __typename: 'Company', name: 'Acme' },
      { __typename: 'Person', email: null },
    ]);
    expect(patterns(body)).toEqual({ 'contacts.*.email': 1, 'search.*.email': 1 });
  });

  it('nested lists fold into one error per path', async () => {
    const body = await post(gatewayUrl, '{ people(count: 3) { name friends { name email } } }');
    expect(body.data.people).toHaveLength(3);
    expect(body.data.people[2].friends[1]).toEqual({ name: 'Person 4', email: null });
    expect(patterns(body)).toEqual({ 'people.*.friends.*.email': 6 });
  });

  it('a list of 500 people gives Ana her one email and a single FORBIDDEN error with a count of 499', async () => {
    const body = await post(gatewayUrl, '{ people(count: 500) { name email } }', { token: await stack.memberToken(ana.id) });
    expect(body.data.people).toHaveLength(500);
    expect(body.data.people[0].email).toBe('person0@example.com');
    expect(body.data.people.filter((p: { email: string | null }) => p.email !== null)).toHaveLength(1);
    expect(body.errors).toHaveLength(1);
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', pathPattern: 'people.*.email', count: 499 });
  });

  it('a query with no PII field answers exactly as the plain gateway does', async () => {
    const plain = await directoryGateway({ pii: false });
    const query = `query($ids: [ID!]!) { memberDirectory(ids: $ids) { id displayName registeredAt } people(count: 3) { name friends { id } } search { __typename ... on Company { name } } }`;
    const options = { token: await stack.memberToken(ana.id), variables: { ids: [ana.id, bo.id] } };
    expect(await post(gatewayUrl, query, options)).toEqual(await post(plain, query, options));
  });
});
