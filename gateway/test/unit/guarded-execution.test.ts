/**
 * The PII layer's guarded execution on its own, with no servers: the planner's result is
 * produced by executing the augmented document over plain data (what the gateway's query
 * planner hands back), then the client's pruned document runs over the shield-wrapped
 * schema. The behaviour through the gateway is in pii.test.ts and pii-transparency.test.ts.
 */
import { buildSchema, execute, parse, type GraphQLSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import type { Viewer } from '@membership/viewer';
import { decideAccess, ownerDecides, ownerNeeded, type AccessPolicy } from '../../src/pii/access.js';
import { analyseDocument } from '../../src/pii/augment.js';
import { executeGuarded } from '../../src/pii/guarded-execution.js';
import { buildGuardedSchema, type PiiExecutionContext } from '../../src/pii/guarded-schema.js';
import { readPiiMarks } from '../../src/pii/marks.js';

const SDL = `
  directive @pii(category: String!, mask: String, owner: String) on FIELD_DEFINITION
  interface Contactable { displayName: String! email: String @pii(category: "CONTACT") }
  type Member implements Contactable {
    id: ID!
    displayName: String!
    email: String @pii(category: "CONTACT")
    phone: String @pii(category: "CONTACT")
    idNumber: String! @pii(category: "IDENTITY")
    address: Address @pii(category: "LOCATION")
  }
  type Household implements Contactable { id: ID! memberId: ID! displayName: String! email: String @pii(category: "CONTACT") }
  type Address { city: String! }
  union Party = Member | Household
  type Query { members: [Member!]! contacts: [Contactable!]! parties: [Party] member(id: ID!): Member }
`;
const API_SDL = SDL.replace(/directive @pii.*\n/, '').replace(/@pii\([^)]*\)/g, '');

const ANA = 'm-ana';
const BO = 'm-bo';
const members = [
  {
    __typename: 'Member',
    id: ANA,
    displayName: 'Ana',
    email: 'ana@example.com',
    phone: '+8613812345678',
    idNumber: '110105194912310021',
    address: { city: 'Shanghai' },
  },
  { __typename: 'Member', id: BO, displayName: 'Bo', email: 'bo@example.com', phone: null, idNumber: '110105195001010033', address: null },
  {
    __typename: 'Member',
    id: ANA,
    displayName: 'Ana again',
    email: 'ana2@example.com',
    phone: null,
    idNumber: '110105194912310021',
    address: null,
  },
];
const household = { __typename: 'Household', id: 'h-1', memberId: BO, displayName: 'The Bos', email: 'bos@example.com' };
const world = {
  members,
  contacts: [household, ...members],
  parties: [members[0], household],
  member: ({ id }: { id: string }) => members.find((m) => m.id === id) ?? null,
};

const api: GraphQLSchema = buildSchema(API_SDL);
// The resolveType the subgraphs would use, so the planner's stand-in answers abstract fields.
for (const name of ['Contactable', 'Party'])
  (api.getType(name) as { resolveType?: unknown }).resolveType = (v: { __typename: string }) => v.__typename;
const guarded = buildGuardedSchema(api, readPiiMarks(SDL));
const policy: AccessPolicy = { purposes: ['support'], partnerConsent: () => false };

/** How many times graphql-shield's wrapped resolvers run, by type and field. */
const shieldCalls = new Map<string, number>();
for (const [typeName, fields] of guarded.marks) {
  const type = guarded.schema.getType(typeName) as
    { getFields?: () => Record<string, { resolve?: (...a: unknown[]) => unknown }> } | undefined;
  for (const fieldName of fields.keys()) {
    const field = type?.getFields?.()[fieldName];
    const resolve = field?.resolve;
    if (!field || !resolve) continue;
    field.resolve = (...args: unknown[]) => {
      shieldCalls.set(`${typeName}.${fieldName}`, (shieldCalls.get(`${typeName}.${fieldName}`) ?? 0) + 1);
      return resolve(...args);
    };
  }
}

async function run(query: string, viewer: Viewer, variables?: Record<string, unknown>) {
  const document = parse(query);
  const analysis = analyseDocument(api, guarded.marks, document);
  expect(analysis.touchesPii).toBe(true);
  // As the gateway does: owner ids only for viewers they decide or log for.
  const augmented = (ownerNeeded(viewer) ? analysis.withOwners : analysis.withoutOwners)?.document ?? document;
  const planned = await execute({ schema: api, document: augmented, rootValue: world, variableValues: variables });
  expect(planned.errors).toBeUndefined();
  const context: PiiExecutionContext = { viewer, policy, disclosures: [] };
  shieldCalls.clear();
  const result = await executeGuarded({
    schema: guarded.schema,
    marks: guarded.marks,
    document: analysis.pruned!,
    variables,
    data: structuredClone(planned.data) as Record<string, unknown>,
    contextValue: context,
  });
  return {
    ...result,
    json: JSON.parse(JSON.stringify(result.data)) as Record<string, unknown>,
    context,
    shieldCalls: new Map(shieldCalls),
  };
}

const ana: Viewer = { kind: 'member', memberId: ANA };
const support = (scopes: string[]): Viewer => ({ kind: 'staff', staffId: 's-1', scopes, purpose: 'support' });

describe('guarded execution over the planner’s result', () => {
  it('gives Ana her own values in full, nulls Bo’s with one FORBIDDEN per path pattern, and leaves no reserved key', async () => {
    const { json, denials } = await run('{ members { id displayName email } }', ana);
    expect(json).toEqual({
      members: [
        { id: ANA, displayName: 'Ana', email: 'ana@example.com' },
        { id: BO, displayName: 'Bo', email: null },
        { id: ANA, displayName: 'Ana again', email: 'ana2@example.com' },
      ],
    });
    expect(JSON.stringify(json)).not.toContain('_pii_');
    expect(denials.map((d) => [d.message, d.path, d.pattern, d.count])).toEqual([
      ['You can only read your own personal data.', ['members', 1, 'email'], 'members.*.email', 1],
    ]);
  });

  it('asks graphql-shield once per field and owner for members, and once per field for staff', async () => {
    const member = await run('{ members { email phone } }', ana);
    expect(Object.fromEntries(member.shieldCalls)).toEqual({ 'Member.email': 2, 'Member.phone': 2 }); // Ana and Bo
    const staff = await run('{ members { email phone } }', support(['pii:contact:read']));
    expect(Object.fromEntries(staff.shieldCalls)).toEqual({ 'Member.email': 1, 'Member.phone': 1 });
  });

  it('masks for staff with the masked scope and records each disclosed value where it sits, so it can be withheld', async () => {
    const { json, context } = await run('{ members { id email phone } }', support(['pii:contact:masked']));
    expect(json.members).toEqual([
      { id: ANA, email: 'a***@example.com', phone: '138****5678' },
      { id: BO, email: 'b***@example.com', phone: null },
      { id: ANA, email: 'a***@example.com', phone: null },
    ]);
    const disclosed = context.disclosures.map((d) => [d.ownerId, d.field, d.category, d.holder[d.key]]);
    expect(disclosed.sort()).toEqual(
      [
        [ANA, 'Member.email', 'CONTACT', 'a***@example.com'],
        [ANA, 'Member.email', 'CONTACT', 'a***@example.com'],
        [ANA, 'Member.phone', 'CONTACT', '138****5678'],
        [BO, 'Member.email', 'CONTACT', 'b***@example.com'],
      ].sort(),
    );
  });

  it('follows fragments, inline fragments on interfaces and unions, and @skip/@include with variables', async () => {
    const query = `query People($withPhone: Boolean!, $skipMail: Boolean!) {
      contacts { displayName ...Mail }
      parties { ... on Member { id phone @include(if: $withPhone) } ... on Household { id email @skip(if: $skipMail) } }
    }
    fragment Mail on Contactable { email }`;
    const { json, errors, denials } = await run(query, { kind: 'member', memberId: BO }, { withPhone: true, skipMail: false });
    expect(json).toEqual({
      contacts: [
        { displayName: 'The Bos', email: 'bos@example.com' },
        { displayName: 'Ana', email: null },
        { displayName: 'Bo', email: 'bo@example.com' },
        { displayName: 'Ana again', email: null },
      ],
      parties: [
        { id: ANA, phone: null },
        { id: 'h-1', email: 'bos@example.com' },
      ],
    });
    expect(errors).toEqual([]);
    expect(denials.map((d) => d.path)).toEqual([
      ['contacts', 1, 'email'],
      ['parties', 0, 'phone'],
    ]);
    const skipped = await run(query, { kind: 'member', memberId: BO }, { withPhone: false, skipMail: true });
    expect(skipped.json.parties).toEqual([{ id: ANA }, { id: 'h-1' }]);
  });

  it('a denied non-null @pii field nulls its nearest nullable parent, as graphql-js would', async () => {
    const { json, denials } = await run(`{ member(id: "${BO}") { id idNumber } other: member(id: "${ANA}") { id idNumber } }`, ana);
    expect(json).toEqual({ member: null, other: { id: ANA, idNumber: '110105194912310021' } });
    expect(denials.map((d) => d.path)).toEqual([['member', 'idNumber']]);
  });

  it('an allowed @pii object is walked into; a denied one is null as a whole', async () => {
    const { json } = await run('{ members { id address { city } } }', ana);
    expect(json.members).toEqual([
      { id: ANA, address: { city: 'Shanghai' } },
      { id: BO, address: null },
      { id: ANA, address: null },
    ]);
  });

  it('an object of an abstract type whose concrete type is unknown does not leave unchecked', async () => {
    const document = parse('{ parties { ... on Member { email } } }');
    const analysis = analyseDocument(api, guarded.marks, document);
    const data = { parties: [{ email: 'ana@example.com' }] }; // no _pii_typename
    const result = await executeGuarded({
      schema: guarded.schema,
      marks: guarded.marks,
      document: analysis.pruned!,
      data,
      contextValue: { viewer: ana, policy, disclosures: [] },
    });
    expect(result.data).toEqual({ parties: [null] });
  });
});

describe('who decides on a PII value', () => {
  const owners = [ANA, BO, undefined];
  const viewers: Viewer[] = [
    support(['pii:contact:read']),
    support(['pii:contact:masked']),
    support([]),
    { kind: 'staff', staffId: 's-2', scopes: ['pii:contact:read'] },
    { kind: 'anonymous' },
    { kind: 'service', service: 'gateway' } as Viewer,
  ];
  it('for every viewer ownerDecides says no about, the owner never changes the decision', () => {
    for (const viewer of viewers) {
      expect(ownerDecides(viewer)).toBe(false);
      const decisions = owners.map((owner) => decideAccess(viewer, 'CONTACT', owner, policy));
      for (const d of decisions) expect(d).toEqual(decisions[0]);
    }
  });
  it('the planner fetches owners for members, partners and staff only; anonymous callers get the same denials without them', async () => {
    expect(
      [
        ana,
        support([]),
        { kind: 'partner', partnerId: 'p-1' } as Viewer,
        { kind: 'anonymous' } as Viewer,
        { kind: 'service', service: 'gateway' } as Viewer,
      ].map(ownerNeeded),
    ).toEqual([true, true, true, false, false]);
    const analysis = analyseDocument(api, guarded.marks, parse('{ members { id email } parties { ... on Household { email } } }'));
    expect(analysis.withOwners!.source).toContain('_pii_owner_Member: id');
    expect(analysis.withoutOwners!.source).not.toContain('_pii_owner_');
    expect(analysis.withoutOwners!.source).toContain('_pii_typename: __typename');
    expect(analyseDocument(api, guarded.marks, parse('{ members { email } }')).withoutOwners).toBeUndefined(); // the client's own
    const { json, denials } = await run('{ members { id email } }', { kind: 'anonymous' });
    expect(json.members).toEqual(members.map((m) => ({ id: m.id, email: null })));
    expect(denials.map((d) => [d.path, d.message, d.count])).toEqual([[['members', 0, 'email'], 'Sign in to read personal data.', 3]]);
  });

  it('for members it does', () => {
    expect(ownerDecides(ana)).toBe(true);
    expect(decideAccess(ana, 'CONTACT', ANA, policy).level).toBe('owner');
    expect(decideAccess(ana, 'CONTACT', BO, policy).level).toBe('denied');
  });
});
