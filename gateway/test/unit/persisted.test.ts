import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { HttpError } from '@membership/subgraph';
import type { Viewer } from '@membership/viewer';
import {
  FIRST_PARTY,
  ManifestError,
  enforceSafelist,
  loadManifests,
  manifestProblems,
  sha256Hex,
  type PersistedPolicy,
} from '../../src/operations/persisted.js';

const ORDERS = 'query PartnerOrders($id: ID!) { member(id: $id) { id email } }';
const OTHER = 'query OtherPartner { __typename }';
const manifestFile = (ops: { name: string; type: string; body: string; id?: string }[]) =>
  JSON.stringify({
    format: 'apollo-persisted-query-manifest',
    version: 1,
    operations: ops.map((o) => ({ id: o.id ?? sha256Hex(o.body), ...o })),
  });

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'manifests-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const manifests = loadManifests(
  folder({
    'acme.json': manifestFile([{ name: 'PartnerOrders', type: 'query', body: ORDERS }]),
    'globex.json': manifestFile([{ name: 'OtherPartner', type: 'query', body: OTHER }]),
    [`${FIRST_PARTY}.json`]: manifestFile([{ name: 'Mine', type: 'query', body: '{ me { id } }' }]),
  }),
);
const policy = (memberOperations: 'apq' | 'safelist' = 'apq'): PersistedPolicy => ({
  manifests,
  memberOperations,
  manifestOf: (p) => p.partnerId,
});
const acme = { kind: 'partner', partnerId: 'acme' } as const;
const byId = (body: string) => ({ extensions: { persistedQuery: { version: 1, sha256Hash: sha256Hex(body) } } });
const refusal = (fn: () => void) => {
  try {
    fn();
  } catch (error) {
    if (error instanceof HttpError) return { status: error.status, code: error.code, message: error.message };
    throw error;
  }
  return undefined;
};

describe('a partner is held to its own manifest', () => {
  it('an id from its manifest runs that operation: the body is put in place of the id', () => {
    const request: Record<string, unknown> = { ...byId(ORDERS), variables: { id: 'm1' } };
    enforceSafelist(policy(), acme, request, 'POST');
    expect(request.query).toBe(ORDERS);
  });

  it('a document, no id, another partner’s id and an unknown id are refused with a code saying which', () => {
    expect(refusal(() => enforceSafelist(policy(), acme, { query: ORDERS }, 'POST'))).toMatchObject({
      status: 400,
      code: 'PERSISTED_QUERY_REQUIRED',
    });
    expect(refusal(() => enforceSafelist(policy(), acme, { query: ORDERS, ...byId(ORDERS) }, 'POST'))).toMatchObject({
      code: 'PERSISTED_QUERY_REQUIRED',
    });
    expect(refusal(() => enforceSafelist(policy(), acme, { variables: {} }, 'POST'))).toMatchObject({ code: 'PERSISTED_QUERY_REQUIRED' });
    expect(refusal(() => enforceSafelist(policy(), acme, byId(OTHER), 'POST'))).toEqual({
      status: 403,
      code: 'PERSISTED_QUERY_NOT_ALLOWED',
      message: `Operation ${sha256Hex(OTHER)} is not in partner acme's persisted-operation manifest (schema/persisted/acme.json).`,
    });
    expect(refusal(() => enforceSafelist(policy(), acme, byId(ORDERS), 'GET'))).toMatchObject({ code: 'PERSISTED_QUERY_REQUIRED' });
  });
});

describe('members and staff', () => {
  const member = { kind: 'member', memberId: 'm1' } as const;
  it('members send anything with MEMBER_OPERATIONS=apq, only first-party ids with safelist; staff and anonymous callers are not held', () => {
    expect(refusal(() => enforceSafelist(policy('apq'), member, { query: ORDERS }, 'POST'))).toBeUndefined();
    expect(refusal(() => enforceSafelist(policy('safelist'), member, { query: ORDERS }, 'POST'))).toMatchObject({
      code: 'PERSISTED_QUERY_REQUIRED',
    });
    expect(refusal(() => enforceSafelist(policy('safelist'), member, byId(ORDERS), 'POST'))).toMatchObject({
      code: 'PERSISTED_QUERY_NOT_ALLOWED',
    });
    expect(refusal(() => enforceSafelist(policy('safelist'), member, byId('{ me { id } }'), 'POST'))).toBeUndefined();
    const staff: Viewer = { kind: 'staff', staffId: 's', scopes: [] };
    expect(refusal(() => enforceSafelist(policy('safelist'), staff, { query: ORDERS }, 'POST'))).toBeUndefined();
    expect(refusal(() => enforceSafelist(policy('safelist'), { kind: 'anonymous' }, { query: ORDERS }, 'POST'))).toBeUndefined();
  });
});

describe('manifests', () => {
  it('an operation whose id is not the sha256 of its body is refused at load, naming it', () => {
    const dir = folder({ 'acme.json': manifestFile([{ name: 'Tampered', type: 'query', body: ORDERS, id: sha256Hex(OTHER) }]) });
    expect(() => loadManifests(dir)).toThrow(ManifestError);
    expect(() => loadManifests(dir)).toThrow(/acme: operation Tampered/);
    expect(() => loadManifests(folder({ 'acme.json': '{"format":"something else"}' }))).toThrow(/not a persisted-operation manifest/);
  });

  it('the check names the owner and operation a schema change broke', () => {
    const before = buildSchema('type Query { member(id: ID!): Member } type Member { id: ID! email: String }');
    const after = buildSchema('type Query { member(id: ID!): Member } type Member { id: ID! contactEmail: String }');
    const acmeManifest = manifests.get('acme')!;
    expect(manifestProblems(acmeManifest, before)).toEqual([]);
    expect(manifestProblems(acmeManifest, after)).toEqual([
      expect.stringMatching(/^acme: operation PartnerOrders \([0-9a-f]{12}…\): Cannot query field "email" on type "Member"/),
    ]);
    const mislabelled = {
      owner: 'acme',
      operations: new Map([['x', { id: 'x', name: 'PartnerOrders', type: 'mutation' as const, body: ORDERS }]]),
    };
    expect(manifestProblems(mislabelled, before)).toEqual([expect.stringContaining('the manifest says mutation, the body is a query')]);
  });
});
