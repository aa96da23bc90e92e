import { parse } from 'graphql';
import { allow, type BaseSubgraphContext, type SubgraphDefinition } from '@membership/subgraph';

/** An in-memory subgraph with four PII fields per person, so the bench measures the gateway, not a database. */
export const PEOPLE_SDL = `
extend schema
  @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@composeDirective"])
  @link(url: "https://specs.membership.dev/pii/v1.0", import: ["@pii"])
  @composeDirective(name: "@pii")
directive @pii(category: PiiCategory!) on FIELD_DEFINITION
enum PiiCategory { CONTACT IDENTITY FINANCIAL LOCATION BEHAVIOUR }
type Person @key(fields: "id") {
  id: ID!
  memberId: ID!
  displayName: String!
  tier: String!
  email: String @pii(category: CONTACT)
  phone: String @pii(category: CONTACT)
  realName: String @pii(category: IDENTITY)
  idNumber: String @pii(category: IDENTITY)
}
type Query {
  "count people; with owners > 1 they belong to that many different members, else all to BENCH_OWNER"
  people(count: Int!, owners: Int = 1): [Person!]!
}
`;

export const BENCH_OWNER = '00000000-0000-4000-8000-0000000000be';

/** `count` people; with `owners` > 1 they belong to that many different members, else all to BENCH_OWNER. */
export function benchPeople(count: number, owners = 1) {
  return Array.from({ length: count }, (_v, i) => ({
    id: `p${i}`,
    memberId: owners > 1 ? `00000000-0000-4000-8000-${String(i % owners).padStart(12, '0')}` : BENCH_OWNER,
    displayName: `Person ${i}`,
    tier: 'GOLD',
    email: `person${i}@example.com`,
    phone: `+86138${String(i).padStart(8, '0')}`,
    realName: `张三${i}`,
    idNumber: `11010519491231${String(i).padStart(4, '0')}`,
  }));
}

export function peopleSubgraph(): SubgraphDefinition<BaseSubgraphContext> {
  return {
    name: 'people',
    typeDefs: parse(PEOPLE_SDL),
    rules: { Query: { people: allow } },
    createContext: (base) => base,
    resolvers: {
      Query: {
        people: (_: unknown, args: { count: number; owners: number }) => benchPeople(args.count, args.owners),
      },
    } as never,
  };
}
