/**
 * The bench's data: 10,000 members with orders, points history, tiers and a few
 * sanctions, written with set-based SQL (one statement per table) so seeding takes
 * seconds, not the minutes 10,000 registrations would.
 *
 * The members whose personal data the bench reads (the newest HOT_MEMBERS, which are
 * both the staff list's first page and the dashboard's rotation) register through
 * identity's real path instead, so whatever identity does to contact data at rest
 * (hashing, encryption) they have it, and their registration events open their points
 * accounts and tiers as in production. The rest only need an id, a name and a date.
 */
import type { Database } from '@membership/db';
import { sql } from '@membership/db';
import type { EventBus } from '@membership/events';
import { accountsFor, seedIdentity } from '@membership/identity';
import type { SubgraphModuleOptions } from '@membership/subgraph';

/** A fixed member id for bench member `i` (1-based); variant 9 keeps clear of the demo ids. */
const benchMemberId = (i: number) => `00000000-0000-4000-9000-${i.toString(16).padStart(12, '0')}`;
const SQL_MEMBER_ID = (i: string) => `('00000000-0000-4000-9000-' || lpad(to_hex(${i}), 12, '0'))::uuid`;

export interface BenchSeedOptions {
  database: Database;
  moduleOptions: SubgraphModuleOptions;
  bus: EventBus;
  /** Members in all (10,000 by default). */
  members: number;
  /** Newest members, registered through identity, whose contact data the workloads read. */
  hotMembers: number;
  now: Date;
  orderPerMember?: number;
  ledgerPerMember?: number;
}

interface Column {
  name: string;
  nullable: string;
  hasDefault: boolean;
}

/**
 * Refuses to bulk-insert into a table that gained a required column the bench does not
 * fill, naming it; another issue may be reshaping a table while this one runs.
 */
async function assertInsertable(database: Database, schema: string, table: string, filled: string[]): Promise<string[]> {
  const columns = await database.rows<Column>(sql`
    select column_name as name, is_nullable as nullable, (column_default is not null or is_identity = 'YES' or is_generated = 'ALWAYS') as "hasDefault"
    from information_schema.columns where table_schema = ${schema} and table_name = ${table}`);
  if (columns.length === 0) throw new Error(`bench seed: table ${schema}.${table} does not exist; update scripts/bench/seed.ts.`);
  const names = new Set(columns.map((c) => c.name));
  const missing = filled.filter((c) => !names.has(c));
  if (missing.length > 0)
    throw new Error(`bench seed: ${schema}.${table} has no column ${missing.join(', ')}; update scripts/bench/seed.ts.`);
  const unfilled = columns.filter((c) => c.nullable === 'NO' && !c.hasDefault && !filled.includes(c.name)).map((c) => c.name);
  if (unfilled.length > 0) {
    throw new Error(
      `bench seed: ${schema}.${table} now requires ${unfilled.join(', ')}, which the bench does not fill; update scripts/bench/seed.ts.`,
    );
  }
  return filled;
}

async function run(database: Database, statement: string): Promise<void> {
  await database.rows(sql.raw(statement));
}

/** Seeds an empty database (migrated, subscriptions registered) with the bench's members. */
export async function seedBench(options: BenchSeedOptions): Promise<{ memberIds: string[]; hotMemberIds: string[] }> {
  const { database, members: n, hotMembers: hot } = options;
  const orders = options.orderPerMember ?? 5;
  const ledger = options.ledgerPerMember ?? 6;
  const now = options.now.toISOString();
  const at = `'${now}'::timestamptz`;

  // 1. The hot members, newest, through registration (one scrypt hash each, so few).
  const hotMembers = Array.from({ length: hot }, (_v, k) => {
    const i = k + 1;
    return {
      id: benchMemberId(i),
      displayName: `Bench member ${i}`,
      email: `member${i}@bench.example.com`,
      phone: `+86139${String(i).padStart(8, '0')}`,
      password: `Bench-pass-${i}-2026!`,
    };
  });
  await seedIdentity(accountsFor(options.moduleOptions), hotMembers);
  await options.bus.drain();

  // 2. Everyone else in identity: older than every hot member, no contact data, no login.
  const identityColumns = await assertInsertable(database, 'identity', 'members', ['id', 'display_name', 'password_hash', 'registered_at']);
  await run(
    database,
    `insert into identity.members (${identityColumns.join(', ')})
     select ${SQL_MEMBER_ID('i')}, 'Bench member ' || i, 'bench$no-login', ${at} - interval '1 day' - i * interval '1 minute'
     from generate_series(${hot + 1}, ${n}) as i
     on conflict do nothing`,
  );

  // 3. Tiers: a qualifying spend per member, the tier the ladder gives for it.
  await assertInsertable(database, 'tiers', 'member_tiers', ['member_id', 'tier_code', 'since', 'qualifying_spend']);
  await run(
    database,
    `insert into tiers.member_tiers (member_id, tier_code, since, qualifying_spend)
     select ${SQL_MEMBER_ID('i')}, 'BRONZE', ${at} - interval '30 days', 0 from generate_series(1, ${n}) as i
     on conflict do nothing`,
  );
  await run(
    database,
    `update tiers.member_tiers m set qualifying_spend = s.spend,
       tier_code = (select t.code from tiers.tiers t join tiers.tier_requirements q on q.tier_code = t.code join tiers.rule_versions v on v.version = q.rule_version where v.version = (select max(version) from tiers.rule_versions where effective_from <= now()) and q.min_score * v.spend_per_point <= s.spend order by t.rank desc limit 1)
     from (select ${SQL_MEMBER_ID('i')} as id, (i * 7919) % 2000000 as spend from generate_series(1, ${n}) as i) s
     where m.member_id = s.id`,
  );

  // 4. Points: an account each, a history of `ledger` entries, balance = sum of the ledger.
  await assertInsertable(database, 'points', 'accounts', ['member_id', 'balance', 'opened_at']);
  await assertInsertable(database, 'points', 'ledger', ['id', 'member_id', 'delta', 'reason', 'idempotency_key', 'created_at']);
  await run(
    database,
    `insert into points.accounts (member_id, balance, opened_at)
     select ${SQL_MEMBER_ID('i')}, 0, ${at} - interval '30 days' from generate_series(1, ${n}) as i
     on conflict do nothing`,
  );
  await run(
    database,
    `insert into points.ledger (id, member_id, delta, reason, idempotency_key, created_at)
     select gen_random_uuid(), ${SQL_MEMBER_ID('i')},
       case when e % 5 = 0 then -((i + e) % 40 + 1) else (i * 31 + e * 17) % 400 + 10 end,
       case when e % 5 = 0 then 'ADJUSTMENT' else 'ORDER' end,
       'bench:' || i || ':' || e, ${at} - interval '29 days' + e * interval '1 day' + i * interval '1 second'
     from generate_series(1, ${n}) as i, generate_series(1, ${ledger}) as e
     on conflict do nothing`,
  );
  await run(
    database,
    `update points.accounts a set balance = s.total
     from (select member_id, sum(delta) as total from points.ledger group by member_id) s
     where a.member_id = s.member_id`,
  );

  // 5. Orders: `orders` paid orders per member, two lines each.
  await assertInsertable(database, 'orders', 'orders', [
    'id',
    'member_id',
    'status',
    'total_amount',
    'amount_due',
    'paid_amount',
    'payment_method',
    'currency',
    'placed_at',
    'paid_at',
  ]);
  await assertInsertable(database, 'orders', 'order_lines', ['id', 'order_id', 'position', 'sku', 'title', 'quantity', 'unit_amount']);
  await run(
    database,
    `insert into orders.orders (id, member_id, status, total_amount, amount_due, paid_amount, payment_method, currency, placed_at, paid_at)
     select gen_random_uuid(), ${SQL_MEMBER_ID('i')}, 'PAID', 0, 0, 0, 'ONLINE', 'CNY',
       ${at} - o * interval '3 days' - i * interval '1 second', ${at} - o * interval '3 days' - i * interval '1 second' + interval '2 minutes'
     from generate_series(1, ${n}) as i, generate_series(1, ${orders}) as o`,
  );
  await run(
    database,
    `insert into orders.order_lines (id, order_id, position, sku, title, quantity, unit_amount)
     select gen_random_uuid(), o.id, l, case l when 1 then 'TEA-LONGJING-250G' else 'MUG-CELADON' end,
       case l when 1 then 'Longjing green tea, 250 g' else 'Celadon tea mug' end, l, case l when 1 then 12800 else 4500 end
     from orders.orders o, generate_series(1, 2) as l
     where o.member_id::text like '00000000-0000-4000-9000-%'`,
  );
  await run(
    database,
    `update orders.orders o set total_amount = s.total, amount_due = s.total, paid_amount = s.total
     from (select order_id, sum(quantity * unit_amount) as total from orders.order_lines group by order_id) s
     where o.id = s.order_id and o.member_id::text like '00000000-0000-4000-9000-%'`,
  );

  // 6. Moderation: a warning in force for every 20th member, so standing is not always empty.
  await assertInsertable(database, 'moderation', 'sanctions', [
    'id',
    'member_id',
    'kind',
    'reason',
    'status',
    'starts_at',
    'ends_at',
    'created_at',
  ]);
  await run(
    database,
    `insert into moderation.sanctions (id, member_id, kind, reason, status, starts_at, ends_at, created_at)
     select gen_random_uuid(), ${SQL_MEMBER_ID('i')}, 'WARNING', 'Bench warning: spam in reviews.', 'ACTIVE',
       ${at} - interval '7 days', null, ${at} - interval '7 days'
     from generate_series(1, ${n}) as i where i % 20 = 0`,
  );
  await run(database, 'analyze');

  return {
    memberIds: Array.from({ length: n }, (_v, k) => benchMemberId(k + 1)),
    hotMemberIds: hotMembers.map((m) => m.id),
  };
}
