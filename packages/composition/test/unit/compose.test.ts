import { describe, expect, it } from 'vitest';
import { composeSupergraph, memberDataWithoutPii } from '../../src/index.js';

const piiSpec = `
  directive @pii(category: PiiCategory!) on FIELD_DEFINITION
  enum PiiCategory { CONTACT IDENTITY }`;

const withComposeDirective = `
  extend schema
    @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@composeDirective"])
    @link(url: "https://specs.membership.dev/pii/v1.0", import: ["@pii"])
    @composeDirective(name: "@pii")
  ${piiSpec}
  type Query { person(id: ID!): Person }
  type Person @key(fields: "id") { id: ID! email: String @pii(category: CONTACT) }`;

const withoutComposeDirective = `
  extend schema
    @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
    @link(url: "https://specs.membership.dev/pii/v1.0", import: ["@pii"])
  ${piiSpec}
  type Person @key(fields: "id") { id: ID! phone: String @pii(category: CONTACT) }`;

describe('composition', () => {
  it('keeps @pii marks in the supergraph when the subgraph composes the directive', () => {
    const result = composeSupergraph([{ name: 'people', url: 'http://people', sdl: withComposeDirective }]);
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.supergraphSdl).toMatch(/email: String @pii\(category: CONTACT\)/);
  });
  it('fails when a subgraph marks @pii without @composeDirective, naming the subgraph', () => {
    const result = composeSupergraph([
      { name: 'people', url: 'http://people', sdl: withComposeDirective },
      { name: 'phones', url: 'http://phones', sdl: withoutComposeDirective },
    ]);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.join()).toMatch(/"phones" marks fields @pii but does not declare @composeDirective/);
  });
  it('reports composition errors', () => {
    const broken = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
      type Query { person(id: ID!): Person } type Person @key(fields: "id") { id: ID! name: Int }`;
    const other = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
      type Person @key(fields: "id") { id: ID! name: String }`;
    const result = composeSupergraph([
      { name: 'a', url: 'http://a', sdl: broken },
      { name: 'b', url: 'http://b', sdl: other },
    ]);
    expect(result.ok).toBe(false);
  });
});

const fed = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])`;
const identity = { name: 'identity', url: 'http://identity', sdl: withComposeDirective.replace(/Person/g, 'Member') };

describe('a subgraph that holds member data marks it @pii', () => {
  it('fails composition when a subgraph adds fields to Member and marks none, naming the subgraph and the fields', () => {
    const orders = `${fed}
      type Order { id: ID! total: Int }
      type Member @key(fields: "id") { id: ID! orders: [Order!] }`;
    const result = composeSupergraph([identity, { name: 'orders', url: 'http://orders', sdl: orders }]);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.join()).toMatch(/Subgraph "orders" holds member data \(Member\.orders\) but marks no field @pii/);
  });
  it('fails when a subgraph has a type with a memberId field and marks none', () => {
    const points = `${fed}
      type Query { entry(id: ID!): Entry }
      type Entry @key(fields: "id") { id: ID! memberId: ID delta: Int }`;
    expect(memberDataWithoutPii([{ name: 'points', url: 'http://points', sdl: points }])).toEqual([
      expect.stringMatching(/"points" holds member data \(Entry\.memberId\)/),
    ]);
  });
  it('accepts a subgraph that holds member data and marks it', () => {
    const orders = `${fed.replace('["@key"]', '["@key", "@composeDirective"]')}
      @link(url: "https://specs.membership.dev/pii/v1.0", import: ["@pii"]) @composeDirective(name: "@pii")
      ${piiSpec.replace('IDENTITY', 'IDENTITY BEHAVIOUR')}
      type Member @key(fields: "id") { id: ID! ordersCount: Int @pii(category: BEHAVIOUR) }`;
    expect(memberDataWithoutPii([identity, { name: 'orders', url: 'http://orders', sdl: orders }])).toEqual([]);
  });
  it('accepts a subgraph whose memberId type is marked by another subgraph that adds fields to it', () => {
    const catalogue = `${fed}
      type Review @key(fields: "id") { id: ID! memberId: ID! rating: Int }`;
    const people = `${fed.replace('["@key"]', '["@key", "@composeDirective"]')}
      @link(url: "https://specs.membership.dev/pii/v1.0", import: ["@pii"]) @composeDirective(name: "@pii")
      ${piiSpec.replace('IDENTITY', 'IDENTITY LOCATION')}
      type Review @key(fields: "id") { id: ID! reviewerCity: String @pii(category: LOCATION) }`;
    expect(
      memberDataWithoutPii([
        { name: 'catalogue', url: 'http://catalogue', sdl: catalogue },
        { name: 'people', url: 'http://people', sdl: people },
      ]),
    ).toEqual([]);
  });
  it('leaves alone a subgraph that only references Member by its key', () => {
    const catalogue = `${fed}
      type Query { product(id: ID!): Product }
      type Product { id: ID! title: String addedBy: Member }
      type Member @key(fields: "id", resolvable: false) { id: ID! }`;
    expect(memberDataWithoutPii([{ name: 'catalogue', url: 'http://catalogue', sdl: catalogue }])).toEqual([]);
  });
});
