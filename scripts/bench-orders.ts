/**
 * npm run bench:orders — places and pays BENCH_ORDERS orders (10,000) through the gateway,
 * BENCH_CONCURRENCY (16) at a time, from BENCH_ORDER_MEMBERS (100) members registered
 * through identity, against every subgraph in this process on Postgres (a scratch database
 * next to DATABASE_URL; PGlite when unset, which is not what the figures in the docs are).
 * Reports throughput and latency (p50, p99) of placeOrder and payOrder, then drains the
 * events and checks the books: every OrderPaid is in the log once, and was consumed exactly
 * once by points and by tiers (delivered, not parked, in each consumer's inbox once).
 * Writes the table into docs/BENCHMARKS.md between the bench:orders markers.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { createLogger } from '@membership/config';
import { sql } from '@membership/db';
import { accountsFor, seedIdentity } from '@membership/identity';
import { startStack } from '@membership/stack';
import { TEST_ENV } from '@membership/testing';
import { issueAccessToken } from '@membership/viewer';
import { loadBenchOrdersEnv } from './bench/env.js';
import { openBenchDatabase } from './bench/subgraphs.js';

const env = loadBenchOrdersEnv();
const logger = createLogger('bench:orders', 'error');
const say = (line: string) => process.stdout.write(`${line}\n`);
const moduleEnv = { ...TEST_ENV, LOG_LEVEL: 'error' };

const db = await openBenchDatabase(env.DATABASE_URL, 'membership_bench_orders');
const { database } = db;
const loadAtStart = os.loadavg()[0]!.toFixed(2);
const stack = await startStack({ database, logger, env: moduleEnv, ports: 'random', seed: 'reset', pollEvents: false });

// Members registered through identity's real path, so points and tiers open their accounts.
const memberIds = Array.from(
  { length: env.BENCH_ORDER_MEMBERS },
  (_, i) => `00000000-0000-4000-9000-0b0000${i.toString(16).padStart(6, '0')}`,
);
await seedIdentity(
  accountsFor({ database, env: moduleEnv, logger }),
  memberIds.map((id, i) => ({
    id,
    displayName: `Bench ${i + 1}`,
    email: `bench-orders-${i + 1}@example.com`,
    password: 'Bench-pass-2026',
  })),
);
await stack.drainEvents();
const tokens = await Promise.all(
  memberIds.map(async (sub) => (await issueAccessToken({ sub, kind: 'member' }, moduleEnv.JWT_SECRET, { ttlSeconds: 3600 })).token),
);
say(`Registered ${memberIds.length} members on ${database.kind}.`);

async function gql<T>(token: string, query: string, variables: Record<string, unknown>): Promise<T> {
  const response = await fetch(stack.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: { message: string }[] };
  if (body.errors?.length || !body.data) throw new Error(body.errors?.[0]?.message ?? `HTTP ${response.status}`);
  return body.data;
}

const PLACE = 'mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) { id status } }';
const PAY = 'mutation ($input: PayOrderInput!) { payOrder(input: $input) { payment { status } order { status } } }';
const placeMs: number[] = [];
const payMs: number[] = [];
const orderIds: string[] = [];
let failures = 0;
let firstFailure: string | undefined;
let next = 0;

async function client(): Promise<void> {
  for (let i = next++; i < env.BENCH_ORDERS; i = next++) {
    const token = tokens[i % tokens.length]!;
    const card = `tok_ok_${String(i % tokens.length)
      .padStart(4, '0')
      .slice(-4)}`;
    try {
      let t = performance.now();
      const placed = await gql<{ placeOrder: { id: string } }>(token, PLACE, {
        input: {
          idempotencyKey: randomUUID(),
          currency: 'CNY',
          lines: [
            { sku: 'TEA-LONGJING-250G', title: 'Longjing green tea, 250 g', quantity: 1 + (i % 3), unitAmount: 12_800 },
            { sku: 'MUG-CELADON', title: 'Celadon tea mug', quantity: 1, unitAmount: 4_500 },
          ],
          shippingAddress: `${i} Bench Road`,
        },
      });
      placeMs.push(performance.now() - t);
      t = performance.now();
      const paid = await gql<{ payOrder: { order: { status: string } } }>(token, PAY, {
        input: { orderId: placed.placeOrder.id, method: 'ONLINE', paymentToken: card, idempotencyKey: randomUUID() },
      });
      payMs.push(performance.now() - t);
      if (paid.payOrder.order.status !== 'PAID') throw new Error(`order ${placed.placeOrder.id} is ${paid.payOrder.order.status}`);
      orderIds.push(placed.placeOrder.id);
    } catch (error) {
      failures++;
      firstFailure ??= String(error);
    }
  }
}

const started = performance.now();
await Promise.all(Array.from({ length: env.BENCH_CONCURRENCY }, () => client()));
const seconds = (performance.now() - started) / 1000;
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]! : NaN;
};
say(
  `${orderIds.length} orders placed and paid in ${seconds.toFixed(1)} s: ${(orderIds.length / seconds).toFixed(1)} orders/s (${failures} failed${firstFailure ? `; first: ${firstFailure}` : ''}).`,
);
say(
  `placeOrder p50 ${pct(placeMs, 50).toFixed(1)} ms, p99 ${pct(placeMs, 99).toFixed(1)} ms; payOrder p50 ${pct(payMs, 50).toFixed(1)} ms, p99 ${pct(payMs, 99).toFixed(1)} ms.`,
);

// ---- the books ---------------------------------------------------------------------------
const drainStarted = performance.now();
// Until nothing is left: drainEvents stops after 50 passes, far fewer than 20,000 events need.
await stack.bus.drain(Number.MAX_SAFE_INTEGER);
const drainSeconds = (performance.now() - drainStarted) / 1000;
const count = async (query: ReturnType<typeof sql>) => Number((await database.rows<{ n: number | string }>(query))[0]?.n ?? 0);
const logged = await count(
  sql`select count(*) as n from events.log where type = 'OrderPaid' and payload ->> 'memberId' like '00000000-0000-4000-9000-0b%'`,
);
const distinctOrders = await count(
  sql`select count(distinct payload ->> 'orderId') as n from events.log where type = 'OrderPaid' and payload ->> 'memberId' like '00000000-0000-4000-9000-0b%'`,
);
const books: { consumer: string; subscribed: boolean; delivered: number; parked: number; inInbox: number }[] = [];
for (const consumer of ['points', 'tiers']) {
  const subscribed =
    (await count(sql`select count(*) as n from events.subscriptions where consumer = ${consumer} and type = 'OrderPaid'`)) > 0;
  const where = sql`l.type = 'OrderPaid' and l.payload ->> 'memberId' like '00000000-0000-4000-9000-0b%'`;
  const delivered = await count(
    sql`select count(*) as n from events.deliveries d join events.log l on l.event_id = d.event_id where d.consumer = ${consumer} and d.delivered_at is not null and ${where}`,
  );
  const parked = await count(
    sql`select count(*) as n from events.deliveries d join events.log l on l.event_id = d.event_id where d.consumer = ${consumer} and d.parked_at is not null and ${where}`,
  );
  const inInbox = await count(
    sql.raw(
      `select count(*) as n from "${consumer}".inbox i join events.log l on l.event_id = i.event_id where l.type = 'OrderPaid' and l.payload ->> 'memberId' like '00000000-0000-4000-9000-0b%'`,
    ),
  );
  books.push({ consumer, subscribed, delivered, parked, inInbox });
}
const booksOk =
  logged === orderIds.length &&
  distinctOrders === orderIds.length &&
  books.every((b) => b.subscribed && b.delivered === logged && b.inInbox === logged && b.parked === 0);
say(
  `Events drained in ${drainSeconds.toFixed(1)} s. OrderPaid in the log: ${logged} for ${distinctOrders} orders (${orderIds.length} paid).`,
);
for (const b of books)
  say(
    `  ${b.consumer}: ${b.subscribed ? 'subscribed' : 'NOT subscribed'}, delivered ${b.delivered}, parked ${b.parked}, in its inbox ${b.inInbox}`,
  );
say(`Books check: ${booksOk ? 'every OrderPaid consumed exactly once by points and tiers' : 'FAILED'}.`);

await stack.stop();
await db.close();

if (env.BENCH_WRITE_DOCS) {
  const file = fileURLToPath(new URL('../docs/BENCHMARKS.md', import.meta.url));
  const table = `<!-- bench:orders:start -->
Measured ${new Date().toISOString().slice(0, 10)} with \`npm run bench:orders\` (${database.kind === 'postgres' ? 'Postgres 16, scratch database' : 'PGlite in memory'}),
${env.BENCH_ORDERS.toLocaleString('en')} orders from ${env.BENCH_ORDER_MEMBERS} members, ${env.BENCH_CONCURRENCY} clients at once, every subgraph and the gateway in one
Node process on ${os.cpus().length} cores shared with other jobs (load average ${loadAtStart} at start). Each order is a
\`placeOrder\` then a \`payOrder\` (development provider) through the gateway; events are relayed and consumed after
the load, by hand.

| measure | value |
| --- | --- |
| orders placed and paid | ${orderIds.length.toLocaleString('en')} (${failures} failed) |
| throughput | ${(orderIds.length / seconds).toFixed(1)} orders/s (${((2 * orderIds.length) / seconds).toFixed(1)} mutations/s) |
| placeOrder p50 / p99 | ${pct(placeMs, 50).toFixed(1)} ms / ${pct(placeMs, 99).toFixed(1)} ms |
| payOrder p50 / p99 | ${pct(payMs, 50).toFixed(1)} ms / ${pct(payMs, 99).toFixed(1)} ms |
| events drained after the load | ${drainSeconds.toFixed(1)} s |
| OrderPaid in the log | ${logged.toLocaleString('en')} for ${distinctOrders.toLocaleString('en')} orders |
${books.map((b) => `| ${b.consumer}: consumed (delivered / in inbox / parked) | ${b.subscribed ? `${b.delivered.toLocaleString('en')} / ${b.inInbox.toLocaleString('en')} / ${b.parked}` : 'not subscribed to OrderPaid'} |`).join('\n')}
| books check | ${booksOk ? 'passed: every OrderPaid consumed exactly once by points and tiers' : 'FAILED (see the rows above)'} |
<!-- bench:orders:end -->`;
  const doc = readFileSync(file, 'utf8');
  const updated = doc.includes('<!-- bench:orders:start -->')
    ? doc.replace(/<!-- bench:orders:start -->[\s\S]*<!-- bench:orders:end -->/, table)
    : `${doc.trimEnd()}\n\n## Orders: place and pay through the gateway\n\n${table}\n`;
  writeFileSync(file, updated);
  say('Wrote docs/BENCHMARKS.md (bench:orders).');
}
process.exit(booksOk && failures === 0 ? 0 : 1);
