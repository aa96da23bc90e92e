import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sql } from '@membership/db';
import { publishMemberErased, rowsMentioning, type TestStack } from '@membership/testing';
import { useTestStack } from '@membership/testing/per-file';
import { taxRetentionCutoff } from '../src/domain/tax-retention.js';

// The job is ticked by hand with this clock.
let clock = new Date();
let stack: TestStack;
useTestStack({ now: () => clock, started: (s) => (stack = s) });

const demo = (name: string) => stack.demo.find((m) => m.displayName === name)!;
const YEAR = 365 * 86_400_000;

interface Trail {
  order: {
    id: string;
    member_id: string | null;
    erased_at: string | null;
    idempotency_key: string | null;
    share_code: string | null;
    total_amount: number;
    paid_amount: number;
    tax_unlinked_at: string | null;
  };
  payment: {
    provider_reference: string | null;
    last4: string | null;
    instrument_fingerprint: string | null;
    device_fingerprint: string | null;
    idempotency_key: string;
    amount: number;
  };
  refund: { provider_reference: string | null; decision_reason: string | null; idempotency_key: string; amount: number };
  invoice: { company_name: string | null; tax_id: string | null; number: string; amount: number; kind: string };
  flags: number;
}

let anaOrder: string;
let boOrder: string;
let erasedAt: Date;

/** Each order's payment and refund this test added (the demo orders have payments of their own). */
const added = new Map<string, { payment: string; refund: string }>();

async function trail(orderId: string): Promise<Trail> {
  const db = stack.database;
  const ids = added.get(orderId)!;
  const [order] = await db.rows<Trail['order']>(
    sql`select id, member_id, erased_at::text, idempotency_key, share_code, total_amount, paid_amount, tax_unlinked_at::text from orders.orders where id = ${orderId}`,
  );
  const [payment] = await db.rows<Trail['payment']>(
    sql`select provider_reference, last4, instrument_fingerprint, device_fingerprint, idempotency_key, amount from orders.payments where id = ${ids.payment}`,
  );
  const [refund] = await db.rows<Trail['refund']>(
    sql`select provider_reference, decision_reason, idempotency_key, amount from orders.refunds where id = ${ids.refund}`,
  );
  const [invoice] = await db.rows<Trail['invoice']>(
    sql`select company_name, tax_id, number, amount, kind from orders.invoices where order_id = ${orderId}`,
  );
  const [flags] = await db.rows<{ n: string | number }>(sql`select count(*) as n from orders.risk_flags where order_id = ${orderId}`);
  return { order: order!, payment: payment!, refund: refund!, invoice: invoice!, flags: Number(flags!.n) };
}

/** A payment, a refund, a company invoice and a risk flag on the order, as checkout and refunds write them. */
async function decorate(orderId: string, memberId: string, tag: string) {
  const db = stack.database;
  const at = clock.toISOString();
  const ids = { payment: randomUUID(), refund: randomUUID() };
  added.set(orderId, ids);
  await db.rows(sql`update orders.orders set share_code = ${`share-${tag}`} where id = ${orderId}`);
  await db.rows(sql`insert into orders.payments (id, order_id, member_id, method, status, amount, currency, idempotency_key, provider, provider_reference, last4, instrument_fingerprint, device_fingerprint, created_at)
    values (${ids.payment}, ${orderId}, ${memberId}, 'ONLINE', 'SUCCEEDED', 100, 'CNY', ${`pay-${tag}`}, 'development', ${`psp-${tag}`}, '4242', ${`card-${tag}`}, ${`device-${tag}`}, ${at})`);
  await db.rows(sql`insert into orders.refunds (id, order_id, member_id, status, reason, amount, idempotency_key, decided_by, decision_reason, provider_reference, requested_at)
    values (${ids.refund}, ${orderId}, ${memberId}, 'COMPLETED', 'DEFECT', 50, ${`refund-${tag}`}, 'staff-1', ${`Called ${tag} back`}, ${`psp-refund-${tag}`}, ${at})`);
  await db.rows(sql`insert into orders.invoices (id, order_id, member_id, number, kind, company_name, tax_id, amount, currency, issued_at)
    values (${randomUUID()}, ${orderId}, ${memberId}, ${`INV-${tag}`}, 'COMPANY', ${`${tag} Trading Co.`}, '914403001922038216', 100, 'CNY', ${at})`);
  await db.rows(sql`insert into orders.risk_flags (id, member_id, kind, reason, order_id, status, dedupe_key, raised_at)
    values (${randomUUID()}, ${memberId}, 'SHARED_DEVICE', 'three accounts on one device', ${orderId}, 'OPEN', ${`SHARED_DEVICE:device-${tag}:${memberId}`}, ${at})`);
}

async function runJob(at: Date) {
  clock = at;
  const runs = await stack.jobs.tick(at);
  const run = runs.find((r) => r.job === 'orders.tax-retention');
  expect(run?.status).toBe('ok');
  return run!.result as { unlinked: number; riskFlagsRemoved: number };
}

describe('orders kept for tax after an erasure', () => {
  it("Ana's and Bo's orders have a payment, a refund, a company invoice and a risk flag; Ana is erased", async () => {
    const [ana] = await stack.database.rows<{ id: string }>(
      sql`select id from orders.orders where member_id = ${demo('Ana').id} order by placed_at desc limit 1`,
    );
    const [bo] = await stack.database.rows<{ id: string }>(
      sql`select id from orders.orders where member_id = ${demo('Bo').id} order by placed_at desc limit 1`,
    );
    anaOrder = ana!.id;
    boOrder = bo!.id;
    await decorate(anaOrder, demo('Ana').id, 'ana');
    await decorate(boOrder, demo('Bo').id, 'bo');
    erasedAt = new Date(clock.getTime() - 1000);
    await publishMemberErased(stack, 'orders', demo('Ana').id, erasedAt);
    await stack.drainEvents();
    // Erasure itself removed her id from the order and what hangs off it.
    const [order] = await stack.database.rows<{ member_id: string | null }>(
      sql`select member_id from orders.orders where id = ${anaOrder}`,
    );
    expect(order!.member_id).toBeNull();
  });

  it('within the legal period the order keeps, for tax, the invoice title and the payment references', async () => {
    const before = await trail(anaOrder);
    const result = await runJob(new Date(clock.getTime() + 9 * YEAR));
    expect(result.unlinked).toBe(0);
    expect(await trail(anaOrder)).toEqual(before);
    expect(before.invoice).toMatchObject({ company_name: 'ana Trading Co.', tax_id: '914403001922038216' });
    // The device went at erasure; the card's reference and digits stay for the books until now.
    expect(before.payment).toMatchObject({
      provider_reference: 'psp-ana',
      last4: '4242',
      instrument_fingerprint: 'card-ana',
      device_fingerprint: null,
    });
    expect(before.flags).toBe(1);
    expect(before.order.share_code).toBe('share-ana');
  });

  it("after ORDERS_TAX_RETENTION_YEARS (10) nothing ties Ana's order to her; the amounts the books need stay", async () => {
    const before = await trail(anaOrder);
    const [placed] = await stack.database.rows<{ placed_at: string }>(
      sql`select placed_at::text from orders.orders where id = ${anaOrder}`,
    );
    const after10 = new Date(new Date(placed!.placed_at).getTime() + 10 * YEAR + 5 * 86_400_000);
    expect(taxRetentionCutoff(after10, 10).getTime()).toBeGreaterThan(new Date(placed!.placed_at).getTime());
    const result = await runJob(after10);
    expect(result.unlinked).toBeGreaterThanOrEqual(1);
    const now = await trail(anaOrder);
    expect(now.order).toMatchObject({
      member_id: null,
      idempotency_key: null,
      share_code: null,
      total_amount: before.order.total_amount,
      paid_amount: before.order.paid_amount,
    });
    expect(now.order.tax_unlinked_at).not.toBeNull();
    expect(new Date(now.order.erased_at!).toISOString()).toBe(`${erasedAt.getUTCFullYear()}-01-01T00:00:00.000Z`);
    expect(now.payment).toMatchObject({
      provider_reference: null,
      last4: null,
      instrument_fingerprint: null,
      device_fingerprint: null,
      amount: 100,
    });
    expect(now.payment.idempotency_key).toMatch(/^unlinked:/);
    expect(now.refund).toMatchObject({ provider_reference: null, decision_reason: null, amount: 50 });
    expect(now.invoice).toEqual({ company_name: null, tax_id: null, number: 'INV-ana', amount: 100, kind: 'COMPANY' });
    expect(now.flags).toBe(0);
    const dump = (await stack.database.rows<{ row: string }>(sql`select t::text as row from orders.payments t`))
      .map((r) => r.row)
      .join('\n');
    for (const value of ['psp-ana', 'card-ana', 'device-ana', 'pay-ana']) expect(dump).not.toContain(value);
    // Her old id is in no row of the orders schema (the risk flag's dedupe key held it until now).
    expect(await rowsMentioning(stack, 'orders', demo('Ana').id)).toEqual({});
  });

  it('Bo, who was not erased, keeps everything', async () => {
    const bo = await trail(boOrder);
    expect(bo.order.member_id).toBe(demo('Bo').id);
    expect(bo.invoice.company_name).toBe('bo Trading Co.');
    expect(bo.payment.provider_reference).toBe('psp-bo');
    expect(bo.flags).toBe(1);
  });

  it('running it again changes nothing', async () => {
    const before = await trail(anaOrder);
    const result = await runJob(new Date(clock.getTime() + 86_400_000));
    expect(result).toMatchObject({ unlinked: 0, riskFlagsRemoved: 0 });
    expect(await trail(anaOrder)).toEqual(before);
  });
});
