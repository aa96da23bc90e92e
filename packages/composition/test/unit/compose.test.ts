import { describe, expect, it } from 'vitest';
import { composeSupergraph } from '../../src/index.js';

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
