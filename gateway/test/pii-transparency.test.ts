import { getIntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROBE_ALIAS, comparable, normalisedDenial, withProbe, withheld } from './fixtures/pii-transparency/compare.js';
import { ledgerSubgraph } from './fixtures/pii-transparency/ledger.js';
import {
  memberToken,
  serveSupergraph,
  staffToken,
  startDeadSubgraph,
  startGatewayPair,
  startTransparencyStack,
  type Body,
  type GatewayPair,
  type GqlRequest,
  type TransparencyStack,
} from './fixtures/pii-transparency/stack.js';
import { ANA, BO, CHEN } from './fixtures/pii-transparency/world.js';

/**
 * "The PII layer changes nothing else": over three in-memory subgraphs (people, shop,
 * catalog) that use interfaces, unions, @requires, @provides, @interfaceObject, @override
 * and entities nested across all three, our gateway (PII on) must answer exactly as a
 * plain Apollo gateway over the same supergraph, except that @pii values are withheld
 * from whoever does not own them.
 */

let stack: TransparencyStack;
let anaToken: string;
let boToken: string;
const tokens = () => ({ [ANA]: anaToken, [BO]: boToken }) as Record<string, string>;

beforeAll(async () => {
  stack = await startTransparencyStack();
  anaToken = await memberToken(ANA);
  boToken = await memberToken(BO);
});
afterAll(async () => {
  await stack?.stop();
});

/** Sends one request to both gateways, plain first (mutations are idempotent here). */
async function both(request: GqlRequest): Promise<{ plain: Body; ours: Body }> {
  const plain = await stack.plain(request);
  const ours = await stack.pii(request);
  return { plain, ours };
}

interface Case {
  name: string;
  query: string;
  variables?: Record<string, unknown>;
  operationName?: string;
  /** What the plain answer must show, so a case cannot pass by both gateways failing alike. */
  check?: (plain: Body) => void;
}

/** Queries that select no @pii field. */
const BATTERY: Case[] = [
  {
    name: 'named fragments on members and households',
    query: `query Cards { members { ...Card } }
      fragment Card on Member { id displayName nickname household { ...House } }
      fragment House on Household { id name memberId }`,
    check: (p) => expect(p.data.members[0].household.name).toBe('The Lis'),
  },
  {
    name: 'inline fragments on the Contactable interface',
    query: `{ contacts { __typename displayName ... on Member { id nickname } ... on Household { name memberId } } }`,
    check: (p) =>
      expect(p.data.contacts.map((c: { __typename: string }) => c.__typename)).toEqual([
        'Household',
        'Member',
        'Member',
        'Member',
        'Household',
      ]),
  },
  {
    name: 'inline fragments on the Party and SearchResult unions',
    query: `{
      parties { __typename ... on Member { id displayName } ... on Household { id name } }
      search(text: "a") { __typename ... on Book { title pages } ... on Film { title minutes } ... on Product { upc name weightGrams } }
    }`,
    check: (p) => expect(p.data.search.map((s: { __typename: string }) => s.__typename)).toEqual(['Book', 'Book', 'Film', 'Product']),
  },
  {
    name: 'aliases and variables',
    query: `query Two($a: ID!, $b: ID!) { first: member(id: $a) { key: id name: displayName } second: member(id: $b) { key: id name: displayName nick: nickname } }`,
    variables: { a: ANA, b: CHEN },
    check: (p) => expect(p.data.second).toEqual({ key: CHEN, name: 'Chen', nick: 'C' }),
  },
  {
    name: '@skip and @include on fields and on an inline fragment',
    query: `query Toggles($lines: Boolean!, $noBuyer: Boolean!) {
      orders { id lines @include(if: $lines) { quantity } buyer @skip(if: $noBuyer) { id } ... @include(if: $lines) { placedAt } ... @skip(if: $lines) { trackingCode } }
    }`,
    variables: { lines: true, noBuyer: true },
    check: (p) =>
      expect(p.data.orders[0]).toEqual({ id: 'o-1', lines: [{ quantity: 2 }, { quantity: 1 }], placedAt: '2024-05-01T10:00:00.000Z' }),
  },
  {
    name: 'nested lists across all three subgraphs (member -> orders -> products -> reviews -> member)',
    query: `{ members { id favouriteOrders { id placedAt lines { quantity product { upc name orderedCount reviews { id rating text author { id displayName household { name } } } } } } } }`,
    check: (p) => expect(p.data.members[0].favouriteOrders[1].lines[0].product.reviews[1].author.displayName).toBe('Bo'),
  },
  {
    name: 'fields that @require a field from another subgraph',
    query: `{ products { upc shippingEstimate } orders { id lines { product { name shippingEstimate } } } }`,
    check: (p) => expect(p.data.products[2]).toEqual({ upc: 'p-lamp', shippingEstimate: 750 }),
  },
  {
    name: 'a path through @provides, and one that leaves it',
    query: `{ orders { id buyer { id displayName } } order(id: "o-3") { buyer { displayName nickname household { name } } } }`,
    check: (p) => {
      expect(p.data.orders[0].buyer.displayName).toBe('Ana then');
      expect(p.data.order.buyer).toEqual({ displayName: 'Bo then', nickname: null, household: { name: 'The Lis' } });
    },
  },
  {
    name: '@interfaceObject fields on every kind of Media',
    query: `{ media { __typename id title rentalCount memberId ... on Book { author pages } ... on Film { minutes } } search(text: "o") { ... on Media { title rentalCount } } }`,
    check: (p) =>
      expect(p.data.media[1]).toEqual({ __typename: 'Film', id: 'f-moon', title: 'Moon', rentalCount: 9, memberId: ANA, minutes: 97 }),
  },
  {
    name: 'a field moved with @override',
    query: `{ members { id nickname } order(id: "o-1") { buyer { nickname } } }`,
    check: (p) => {
      expect(p.data.members[0].nickname).toBe('Annie');
      expect(p.data.order.buyer.nickname).toBe('Annie');
    },
  },
  {
    name: '__typename at every level',
    query: `{ __typename members { __typename household { __typename } favouriteOrders { __typename lines { __typename product { __typename } } } } media { __typename } contacts { __typename } }`,
    check: (p) => expect(p.data.__typename).toBe('Query'),
  },
  {
    name: 'subgraph errors, one nulling a field and one bubbling up a non-null chain',
    query: `{ orders { id trackingCode lines { quantity product { upc stock } } } }`,
    check: (p) => {
      expect(p.data.orders[2]).toEqual({ id: 'o-3', trackingCode: null, lines: null });
      expect(p.errors?.map((e) => e.path?.join('.'))).toEqual(expect.arrayContaining(['orders.2.trackingCode']));
    },
  },
  {
    name: 'a field the subgraph itself refuses to strangers',
    query: `{ orders { id internalNote } }`,
    check: (p) => expect(p.data.orders[0].id).toBe('o-1'),
  },
  {
    name: 'missing entities and null roots',
    query: `{ order(id: "o-404") { id } member(id: "nobody") { id } media(ids: ["b-rain"]) { id } }`,
    check: (p) => expect(p.data.order).toBeNull(),
  },
  {
    name: 'an enum argument with a default, an enum field and a Float',
    query: `query ByStatus($status: OrderStatus = SHIPPED) { ordersByStatus(status: $status) { id status } placed: ordersByStatus { id } products { name averageRating } }`,
    check: (p) => {
      expect(p.data.ordersByStatus).toEqual([{ id: 'o-2', status: 'SHIPPED' }]);
      expect(p.data.products.map((x: { averageRating: number | null }) => x.averageRating)).toEqual([4, 3.5, null]);
    },
  },
  {
    name: 'a document with two operations, choosing one by name',
    query: `query Products { products { name } } query Members { members { displayName } }`,
    operationName: 'Members',
    check: (p) => expect(p.data).toMatchObject({ members: [{ displayName: 'Ana' }, { displayName: 'Bo' }, { displayName: 'Chen' }] }),
  },
];

const MUTATION: Case = {
  name: 'a mutation that returns entities from other subgraphs',
  query: `mutation Nick($id: ID!, $nick: String) { setNickname(id: $id, nickname: $nick) { id nickname displayName favouriteOrders { id buyer { displayName } } } }`,
  variables: { id: CHEN, nick: 'C' },
  check: (p) => expect(p.data.setNickname.nickname).toBe('C'),
};

describe('queries that reach no personal data are answered exactly as by the plain gateway', () => {
  for (const c of [...BATTERY, MUTATION]) {
    it(`${c.name}: same answer for an anonymous caller and for Ana`, async () => {
      for (const token of [undefined, anaToken]) {
        const { plain, ours } = await both({ ...c, token });
        c.check?.(plain);
        expect(comparable(ours)).toEqual(comparable(plain));
      }
    });
  }
});

describe('the same queries forced through the PII layer (one @pii field added) change nothing else', () => {
  for (const c of BATTERY) {
    const probed = { ...c, query: withProbe(c.query, c.operationName) };
    it(`${c.name}: Ana, owning the added email, gets exactly the plain answer`, async () => {
      const { plain, ours } = await both({ ...probed, token: anaToken });
      c.check?.(plain);
      expect(plain.data[PROBE_ALIAS]).toEqual({ email: 'ana@example.com' });
      expect(comparable(ours)).toEqual(comparable(plain));
    });
    it(`${c.name}: an anonymous caller gets the plain answer with only the added email withheld`, async () => {
      const { plain, ours } = await both(probed);
      expect(normalisedDenial(ours)).toEqual(withheld(plain, [`${PROBE_ALIAS}.email`]));
    });
  }
});

interface PiiCase extends Case {
  /** Whose data the query reaches (with these variables); they must see it all in full. */
  owner: string;
  /** Where @pii values sit in the answer, as path patterns. */
  pii: string[];
}

const PII_CASES: PiiCase[] = [
  {
    name: "her own contact fields and her household's",
    owner: ANA,
    query: `query Me($me: ID!) { member(id: $me) { id displayName email phone household { name email members { displayName } } } }`,
    variables: { me: ANA },
    pii: ['member.email', 'member.phone', 'member.household.email'],
    check: (p) => expect(p.data.member.household.email).toBe('lis@example.com'),
  },
  {
    name: 'her contacts through the Contactable interface, with inline fragments',
    owner: ANA,
    query: `query Contacts($me: ID!) { contacts(ownedBy: $me) { __typename displayName email ... on Member { phone nickname } ... on Household { memberId } } }`,
    variables: { me: ANA },
    pii: ['contacts.*.email', 'contacts.*.phone'],
    check: (p) => expect(p.data.contacts.map((c: { email: string }) => c.email)).toEqual(['lis@example.com', 'ana@example.com']),
  },
  {
    name: 'her parties through a union, with named fragments on the interface and on each member type',
    owner: ANA,
    query: `query Parties($me: ID!) { parties(ownedBy: $me) { ...Contact ... on Member { ...Phone } ... on Household { ...House } } }
      fragment Contact on Contactable { displayName mail: email }
      fragment Phone on Member { tel: phone }
      fragment House on Household { name email members { displayName } }`,
    variables: { me: ANA },
    pii: ['parties.*.mail', 'parties.*.tel', 'parties.*.email'],
    check: (p) => expect(p.data.parties[0]).toEqual({ displayName: 'Ana', mail: 'ana@example.com', tel: '+8613800000001' }),
  },
  {
    name: 'nested lists across all three subgraphs, through @provides and @requires',
    owner: ANA,
    query: `query Deep($me: ID!) {
      member(id: $me) {
        favouriteOrders {
          id deliveryNote placedAt buyer { displayName email }
          lines { quantity product { name shippingEstimate reviews(by: $me) { rating reviewerCity author { displayName phone } } } }
        }
      }
    }`,
    variables: { me: ANA },
    pii: [
      'member.favouriteOrders.*.deliveryNote',
      'member.favouriteOrders.*.buyer.email',
      'member.favouriteOrders.*.lines.*.product.reviews.*.reviewerCity',
      'member.favouriteOrders.*.lines.*.product.reviews.*.author.phone',
    ],
    check: (p) => {
      const order = p.data.member.favouriteOrders[1];
      expect(order.buyer).toEqual({ displayName: 'Ana then', email: 'ana@example.com' });
      expect(order.lines[0].product.reviews[0].reviewerCity).toBe('Shanghai');
    },
  },
  {
    name: 'what she borrowed, through @interfaceObject fields of the Media interface',
    owner: ANA,
    query: `query Borrowed($ids: [ID!]) { media(ids: $ids) { __typename id title rentalCount borrowerNote ... on Book { author } ... on Film { minutes } } }`,
    variables: { ids: ['b-rain', 'f-moon'] },
    pii: ['media.*.borrowerNote'],
    check: (p) => expect(p.data.media[0].borrowerNote).toBe('reads slowly'),
  },
  {
    name: 'an interface fragment on Media inside the SearchResult union',
    owner: ANA,
    query: `{ search(text: "n") { __typename ... on Media { id note: borrowerNote } ... on Book { title } } }`,
    pii: ['search.*.note'],
    check: (p) =>
      expect(p.data.search).toEqual([
        { __typename: 'Book', id: 'b-rain', note: 'reads slowly', title: 'Rain' },
        { __typename: 'Film', id: 'f-moon', note: null },
      ]),
  },
  {
    name: 'aliases, @skip and @include around her personal fields',
    owner: ANA,
    query: `query Toggled($me: ID!, $phone: Boolean!, $noMail: Boolean!) {
      me: member(id: $me) { mail: email @skip(if: $noMail) tel: phone @include(if: $phone) again: email ... @include(if: $phone) { household { email } } }
    }`,
    variables: { me: ANA, phone: true, noMail: true },
    pii: ['me.mail', 'me.tel', 'me.again', 'me.household.email'],
    check: (p) => expect(p.data.me).toEqual({ tel: '+8613800000001', again: 'ana@example.com', household: { email: 'lis@example.com' } }),
  },
  {
    name: "his orders with a failing carrier and a failing warehouse (Bo's)",
    owner: BO,
    query: `query Mine($me: ID!) { member(id: $me) { orders { id deliveryNote trackingCode internalNote lines { product { upc stock } } } email } }`,
    variables: { me: BO },
    pii: ['member.orders.*.deliveryNote', 'member.email'],
    check: (p) => {
      expect(p.data.member.orders[0]).toEqual({
        id: 'o-3',
        deliveryNote: 'Ring twice',
        trackingCode: null,
        internalNote: 'late',
        lines: null,
      });
      expect(p.errors?.length).toBeGreaterThanOrEqual(2);
    },
  },
  {
    name: 'her home address, a @pii field of object type, beside a review city whose owner id lives in another subgraph',
    owner: ANA,
    query: `query Home($me: ID!) { member(id: $me) { homeAddress { city street } favouriteOrders { lines { product { reviews(by: $me) { id city: reviewerCity } } } } } }`,
    variables: { me: ANA },
    pii: ['member.homeAddress', 'member.favouriteOrders.*.lines.*.product.reviews.*.city'],
    check: (p) => {
      expect(p.data.member.homeAddress).toEqual({ city: 'Shanghai', street: '1 Bund' });
      expect(p.data.member.favouriteOrders[1].lines[1].product.reviews).toEqual([{ id: 'r-4', city: 'Suzhou' }]);
    },
  },
  {
    name: 'the personal operation of a two-operation document',
    owner: ANA,
    query: `query Plain { products { name } } query Personal($me: ID!) { member(id: $me) { email } __typename }`,
    operationName: 'Personal',
    variables: { me: ANA },
    pii: ['member.email'],
    check: (p) => expect(p.data).toEqual({ member: { email: 'ana@example.com' }, __typename: 'Query' }),
  },
  {
    name: 'a mutation that returns her personal fields',
    owner: ANA,
    query: `mutation Nick($me: ID!) { setNickname(id: $me, nickname: "Annie") { id nickname email household { email } favouriteOrders { deliveryNote } } }`,
    variables: { me: ANA },
    pii: ['setNickname.email', 'setNickname.household.email', 'setNickname.favouriteOrders.*.deliveryNote'],
    check: (p) => expect(p.data.setNickname.email).toBe('ana@example.com'),
  },
];

const name = (id: string) => ({ [ANA]: 'Ana', [BO]: 'Bo' })[id] ?? id;

describe('queries that reach personal data: the owner sees everything in full', () => {
  for (const c of PII_CASES) {
    it(`${name(c.owner)} (owner) gets ${c.name} exactly as the plain gateway gives them`, async () => {
      const { plain, ours } = await both({ ...c, token: tokens()[c.owner] });
      c.check?.(plain);
      expect(comparable(ours)).toEqual(comparable(plain));
    });
  }
});

describe('queries that reach personal data: a stranger gets everything else unchanged', () => {
  const EVERYONE: PiiCase[] = [
    {
      name: 'everyone’s contacts and orders, many rows per path',
      owner: '',
      query: `{ members { id email phone homeAddress { city } household { email } favouriteOrders { id deliveryNote buyer { displayName email } } } contacts { displayName email } }`,
      pii: [
        'members.*.email',
        'members.*.phone',
        'members.*.homeAddress',
        'members.*.household.email',
        'members.*.favouriteOrders.*.deliveryNote',
        'members.*.favouriteOrders.*.buyer.email',
        'contacts.*.email',
      ],
    },
    {
      name: 'every borrowed item and every review',
      owner: '',
      query: `{ media { id borrowerNote } products { name reviews { rating reviewerCity author { phone } } } }`,
      pii: ['media.*.borrowerNote', 'products.*.reviews.*.reviewerCity', 'products.*.reviews.*.author.phone'],
    },
  ];
  for (const c of [...PII_CASES, ...EVERYONE]) {
    it(`an anonymous caller gets ${c.name} with each @pii value null and one FORBIDDEN error per path pattern`, async () => {
      const { plain, ours } = await both({ ...c, token: undefined });
      expect(plain.data).toBeTruthy();
      const expected = withheld(plain, c.pii);
      expect(expected.errors?.some((e) => e.extensions?.code === 'FORBIDDEN')).toBe(true);
      expect(normalisedDenial(ours)).toEqual(expected);
    });
  }
});

describe('introspection is answered alike on both paths', () => {
  const INTROSPECTION = getIntrospectionQuery({
    descriptions: true,
    specifiedByUrl: true,
    directiveIsRepeatable: true,
    schemaDescription: true,
    inputValueDeprecation: true,
  });
  const PROBED = withProbe(INTROSPECTION, 'IntrospectionQuery');
  const support = { 'x-access-purpose': 'support' };

  it('Sam (staff, schema:read) gets the whole schema exactly as from the plain gateway', async () => {
    const token = await staffToken(['schema:read']);
    const { plain, ours } = await both({ query: INTROSPECTION, token });
    expect(plain.data.__schema.types.length).toBeGreaterThan(20);
    expect(comparable(ours)).toEqual(comparable(plain));
  });

  it("Sam (staff, schema:read, pii:contact:read, for support) gets the whole schema and Ana's email exactly as from the plain gateway", async () => {
    const token = await staffToken(['schema:read', 'pii:contact:read']);
    const { plain, ours } = await both({ query: PROBED, token, headers: support });
    expect(plain.data[PROBE_ALIAS]).toEqual({ email: 'ana@example.com' });
    expect(comparable(ours)).toEqual(comparable(plain));
  });

  it("Sam (staff, schema:read only) gets the whole schema unchanged and Ana's email withheld", async () => {
    const token = await staffToken(['schema:read']);
    const { plain, ours } = await both({ query: PROBED, token, headers: support });
    const reason = 'Reading CONTACT data needs the pii:contact:read or pii:contact:masked scope.';
    expect(normalisedDenial(ours)).toEqual(withheld(plain, [`${PROBE_ALIAS}.email`], reason));
  });
});

describe('when shop is down, a personal query costs no more than on the plain gateway', () => {
  let down: GatewayPair;
  let dead: { close(): void };
  beforeAll(async () => {
    const shop = await startDeadSubgraph();
    dead = shop;
    down = await stack.pairWith({ shop: shop.url });
  });
  afterAll(() => dead?.close());

  const compare = async (request: GqlRequest) => ({ plain: await down.plain(request), ours: await down.pii(request) });

  it('Ana without any personal field: both gateways lose the same shop fields', async () => {
    const { plain, ours } = await compare({
      query: `{ members { displayName favouriteOrders { id placedAt } } media { id title } }`,
      token: anaToken,
    });
    expect(plain.errors?.[0]?.extensions?.code).toBe('SUBGRAPH_UNAVAILABLE');
    expect(comparable(ours)).toEqual(comparable(plain));
  });

  it('Ana asking for shop fields and her email: both gateways lose the same shop fields', async () => {
    const { plain, ours } = await compare({ query: `{ member(id: "${ANA}") { email favouriteOrders { id placedAt } } }`, token: anaToken });
    expect(plain.errors?.[0]?.extensions?.code).toBe('SUBGRAPH_UNAVAILABLE');
    expect(comparable(ours)).toEqual(comparable(plain));
  });

  // Regression: owner ids are looked up only where a selection set selects a @pii field, so
  // shop (which owns Order.memberId) is not called for a query that never needs it.
  it('Ana reading her email and the ids of her pinned orders (people knows them) gets both, as on the plain gateway', async () => {
    const { plain, ours } = await compare({ query: `{ member(id: "${ANA}") { email favouriteOrders { id } } }`, token: anaToken });
    expect(plain).toEqual({ data: { member: { email: 'ana@example.com', favouriteOrders: [{ id: 'o-2' }, { id: 'o-1' }] } } });
    expect(comparable(ours)).toEqual(comparable(plain));
  });

  // Regression: the same for `... on Book { _pii_owner_Book: memberId }` under media.
  it('Ana listing media titles beside her email gets no shop error, as on the plain gateway', async () => {
    const { plain, ours } = await compare({ query: `{ media { id title } member(id: "${ANA}") { email } }`, token: anaToken });
    expect(plain.errors).toBeUndefined();
    expect(comparable(ours)).toEqual(comparable(plain));
  });
});

describe('edge cases of the owner id (one-subgraph ledger supergraph)', () => {
  let ledger: GatewayPair;
  let servers: { close(): Promise<void> }[] = [];
  beforeAll(async () => {
    const served = await serveSupergraph([ledgerSubgraph()]);
    servers = served.servers;
    ledger = await startGatewayPair(served.supergraphSdl);
  });
  afterAll(async () => {
    await ledger?.close();
    for (const server of servers) await server.close();
  });
  const compare = async (request: GqlRequest) => ({ plain: await ledger.plain(request), ours: await ledger.pii(request) });

  // Regression: a mark inherited from an interface takes the implementing type's default
  // owner field (`id` on Member), not the interface's.
  it('Ana (owner) reads her own email when the @pii mark sits only on the interface', async () => {
    const query = `{ member(id: "${ANA}") { displayName email ... on Contactable { again: email } } }`;
    const { plain, ours } = await compare({ query, token: anaToken });
    expect(plain.data.member).toEqual({ displayName: 'Ana', email: 'ana@example.com', again: 'ana@example.com' });
    expect(comparable(ours)).toEqual(comparable(plain));
  });

  it('an anonymous caller is refused that email, everything else unchanged', async () => {
    const { plain, ours } = await compare({ query: `{ member(id: "${ANA}") { displayName email } }` });
    expect(normalisedDenial(ours)).toEqual(withheld(plain, ['member.email']));
  });

  // Contract (docs/SECURITY.md): the owner field of a type with @pii must be readable by
  // anyone who may read the type, because the gateway decides from it. The ledger breaks
  // the contract by refusing Voucher.memberId to strangers; for a caller whose access
  // depends on the owner, the gateway then cannot tell whose codes they are, so nothing
  // is shown, and the error never names its reserved alias.
  it('an anonymous caller needs no owner: the codes are withheld and the rest is the plain answer', async () => {
    const { plain, ours } = await compare({ query: `{ vouchers { id valueCents code } }` });
    expect(plain.data.vouchers).toHaveLength(2);
    expect(normalisedDenial(ours)).toEqual(withheld(plain, ['vouchers.*.code']));
  });

  it('a subgraph that refuses the owner field to Ana, who owns one of the vouchers, gets nothing shown, and no reserved alias leaks', async () => {
    const { ours } = await compare({ query: `{ vouchers { id valueCents code } }`, token: anaToken });
    expect(ours.data).toBeNull();
    expect(JSON.stringify(ours.errors)).not.toMatch(/_pii_/);
    expect(ours.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
