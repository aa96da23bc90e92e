import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '@membership/db';
import {
  IDENTITY,
  MEMBER_DATA_EXPORT,
  callSubgraph,
  publishMemberErased,
  rowsMentioning,
  startTestStack,
  type TestStack,
} from '@membership/testing';
import type { OrdersExport } from '../src/domain/export.js';

let clock = new Date();
let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ now: () => clock });
});
afterAll(async () => {
  await stack?.stop();
});

const demo = (name: string) => stack.demo.find((m) => m.displayName === name)!;
const tick = () => (clock = new Date(clock.getTime() + 1000));
const PURPOSE = { 'x-access-purpose': 'support' };

const PLACE = `mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) { id lines { id } } }`;
const PAY = `mutation ($input: PayOrderInput!) { payOrder(input: $input) { order { status } } }`;
const REFUND = `mutation ($input: RequestRefundInput!) { requestRefund(input: $input) { id status } }`;
const INVOICE = `mutation ($input: RequestInvoiceInput!) { requestInvoice(input: $input) { id number kind companyName taxId amount { amount currency } memberId } }`;
const RECORD = /* GraphQL */ `
  query Record($first: Int!) {
    me {
      orders(first: $first) {
        edges {
          node {
            id
            status
            shippingAddress
            paid {
              amount
            }
            refunded {
              amount
            }
            payments {
              method
              status
              last4
              amount {
                amount
              }
            }
            refunds {
              status
              requested {
                amount
              }
              approved {
                amount
              }
            }
            invoice {
              number
              kind
              companyName
              taxId
            }
          }
        }
      }
    }
  }
`;

async function buy(member: { id: string }, unitAmount = 3_000) {
  tick();
  const token = await stack.memberToken(member.id);
  const placed = await stack.gql(
    PLACE,
    {
      input: {
        idempotencyKey: randomUUID(),
        currency: 'CNY',
        lines: [{ sku: 'TEA', title: 'Tea', quantity: 1, unitAmount }],
        shippingAddress: '8 Lake Street, Hangzhou',
      },
    },
    { token },
  );
  const id = placed.body.data.placeOrder.id as string;
  tick();
  await stack.gql(PAY, { input: { orderId: id, method: 'ONLINE', paymentToken: 'tok_ok_1234', idempotencyKey: randomUUID() } }, { token });
  return id;
}

describe("a member's purchase record", () => {
  it('Dee reads every order with its payments, refunds and invoice; the list costs the same SQL statements for 1 or 4 orders', async () => {
    const first = await buy(demo('Dee'));
    const token = await stack.memberToken(demo('Dee').id);
    tick();
    await stack.gql(REFUND, { input: { orderId: first, reason: 'DEFECT', idempotencyKey: randomUUID() } }, { token });
    const invoice = await stack.gql(INVOICE, { input: { orderId: first, kind: 'PERSON' } }, { token });
    expect(invoice.body.errors).toBeUndefined();

    const count = async (n: number) => {
      const before = stack.database.statementCount();
      const res = await stack.gql(RECORD, { first: n }, { token });
      expect(res.body.errors).toBeUndefined();
      return {
        statements: stack.database.statementCount() - before,
        orders: res.body.data.me.orders.edges.map((e: { node: unknown }) => e.node),
      };
    };
    const one = await count(1);
    await buy(demo('Dee'));
    await buy(demo('Dee'));
    await buy(demo('Dee'));
    const four = await count(4);
    expect(four.orders).toHaveLength(4);
    expect(four.statements).toBe(one.statements);
    const record = four.orders.find((o: { id: string }) => o.id === first);
    expect(record).toEqual({
      id: first,
      status: 'REFUNDED',
      shippingAddress: '8 Lake Street, Hangzhou',
      paid: { amount: 3_000 },
      refunded: { amount: 3_000 },
      payments: [{ method: 'ONLINE', status: 'SUCCEEDED', last4: '1234', amount: { amount: 3_000 } }],
      refunds: [{ status: 'COMPLETED', requested: { amount: 3_000 }, approved: { amount: 3_000 } }],
      invoice: { number: expect.stringMatching(/^INV-\d{4}-[0-9A-F]{8}$/), kind: 'PERSON', companyName: null, taxId: null },
    });
  });

  it("Sam (support, orders:read and pii:behaviour:read) reads Dee's orders but not her address or card digits without those scopes", async () => {
    const token = await stack.staffToken(['members:read', 'orders:read', 'pii:behaviour:read']);
    const query = `query ($id: ID!) { order(id: $id) { id status shippingAddress payments { status last4 } } }`;
    const orderId = await buy(demo('Dee'));
    const res = await stack.gql(query, { id: orderId }, { token, headers: PURPOSE });
    expect(res.body.data.order).toMatchObject({
      id: orderId,
      status: 'PAID',
      shippingAddress: null,
      payments: [{ status: 'SUCCEEDED', last4: null }],
    });
    const denied = (res.body.errors ?? [])
      .filter((e: { extensions?: { code?: string } }) => e.extensions?.code === 'FORBIDDEN')
      .map((e: { path?: unknown[] }) => e.path?.join('.'));
    expect(denied).toEqual(expect.arrayContaining(['order.shippingAddress']));
    const without = await stack.gql(query, { id: orderId }, { token: await stack.staffToken(['orders:read']), headers: PURPOSE });
    expect(without.body.data.order.status).toBeNull();
  });
});

describe('invoices', () => {
  it('Chen asks for a company invoice with the company name and tax id; asking again returns the same invoice', async () => {
    const orderId = await buy(demo('Chen'), 12_800);
    const token = await stack.memberToken(demo('Chen').id);
    const input = { orderId, kind: 'COMPANY', companyName: 'Chen Trading Ltd', taxId: '91330100MA2B3C4D5E' };
    const first = await stack.gql(INVOICE, { input }, { token });
    expect(first.body.data.requestInvoice).toMatchObject({
      kind: 'COMPANY',
      companyName: 'Chen Trading Ltd',
      taxId: '91330100MA2B3C4D5E',
      amount: { amount: 12_800, currency: 'CNY' },
    });
    const again = await stack.gql(INVOICE, { input: { ...input, companyName: 'Other Ltd' } }, { token });
    expect(again.body.data.requestInvoice.id).toBe(first.body.data.requestInvoice.id);
    expect(again.body.data.requestInvoice.companyName).toBe('Chen Trading Ltd');
  });

  it('a company invoice without a tax id, a personal invoice with one, and an invoice for an unpaid order are refused', async () => {
    const token = await stack.memberToken(demo('Chen').id);
    const orderId = await buy(demo('Chen'));
    const noTax = await stack.gql(INVOICE, { input: { orderId, kind: 'COMPANY', companyName: 'Chen Trading Ltd' } }, { token });
    expect(noTax.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'taxId' });
    const personWithTax = await stack.gql(INVOICE, { input: { orderId, kind: 'PERSON', taxId: '91330100MA2B3C4D5E' } }, { token });
    expect(personWithTax.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    tick();
    const unpaid = await stack.gql(
      PLACE,
      {
        input: {
          idempotencyKey: randomUUID(),
          currency: 'CNY',
          lines: [{ sku: 'TEA', title: 'Tea', quantity: 1, unitAmount: 100 }],
          shippingAddress: 'x',
        },
      },
      { token },
    );
    const res = await stack.gql(INVOICE, { input: { orderId: unpaid.body.data.placeOrder.id, kind: 'PERSON' } }, { token });
    expect(res.body.errors?.[0]?.extensions?.code).toBe('CONFLICT');
  });

  it("staff see a company's tax id only with pii:financial:read", async () => {
    const orderId = await buy(demo('Chen'), 5_000);
    await stack.gql(
      INVOICE,
      { input: { orderId, kind: 'COMPANY', companyName: 'Chen Trading Ltd', taxId: '91330100MA2B3C4D5E' } },
      { token: await stack.memberToken(demo('Chen').id) },
    );
    const query = `query ($id: ID!) { order(id: $id) { invoice { number taxId companyName } } }`;
    const support = await stack.gql(
      query,
      { id: orderId },
      { token: await stack.staffToken(['orders:read', 'pii:behaviour:read']), headers: PURPOSE },
    );
    expect(support.body.data.order.invoice).toMatchObject({ taxId: null, companyName: null });
    const finance = await stack.gql(
      query,
      { id: orderId },
      { token: await stack.staffToken(['orders:read', 'pii:behaviour:read', 'pii:financial:read']), headers: PURPOSE },
    );
    expect(finance.body.data.order.invoice).toMatchObject({ taxId: '91330100MA2B3C4D5E', companyName: 'Chen Trading Ltd' });
  });
});

describe('data rights over the purchase record', () => {
  it("Dee's export carries her address, payments, refunds and invoice; once she is erased no orders row names her, and her address and refund words are gone", async () => {
    const dee = demo('Dee');
    const data = JSON.parse(
      (await callSubgraph(stack, 'orders', MEMBER_DATA_EXPORT, { memberId: dee.id }, IDENTITY)).body.data.memberDataExport as string,
    ) as OrdersExport;
    const refunded = data.orders.find((o) => o.refunds?.length);
    expect(refunded).toMatchObject({
      shippingAddress: '8 Lake Street, Hangzhou',
      payments: [{ method: 'ONLINE', status: 'SUCCEEDED', last4: '1234', amount: { amount: 3_000, currency: 'CNY' } }],
      refunds: [{ status: 'COMPLETED', reason: 'DEFECT', requested: { amount: 3_000, currency: 'CNY' } }],
      invoice: { kind: 'PERSON', companyName: null, taxId: null },
    });

    await publishMemberErased(stack, 'orders', dee.id, clock);
    await stack.drainEvents();
    expect(await rowsMentioning(stack, 'orders', dee.id)).toEqual({});
    const left = await stack.database.rows<{ n: number | string }>(
      sql`select count(*) as n from orders.orders where erased_at is not null and shipping_address is not null`,
    );
    expect(Number(left[0]!.n)).toBe(0);
  });
});
