/**
 * npm run bench:tiers — the periodic tier re-evaluation (subgraphs/tiers/src/db/reevaluation.ts)
 * over BENCH_TIERS_MEMBERS members (1,000,000 by default) on Postgres, against a bare
 * `UPDATE … FROM` that writes the same columns of the same rows from a ready table, in the
 * same run and the same scratch database (on DATABASE_URL's server, dropped after).
 *
 * Data: each member has 2 paid orders (one in every 10 older than the window), one in 10
 * a partial refund, 1 activity, one in 50 a sanction (a WARNING, or a RESTRICTED_BENEFITS
 * in force), all made with set-based SQL. Three timed statements, each after VACUUM ANALYZE:
 * (1) the bare UPDATE over every member; (2) the first re-evaluation, which writes every
 * member's evaluation and emits a TierChanged or notice for each that moves; (3) the same
 * re-evaluation again a day later, which writes only what changed. Writes the table into
 * docs/BENCHMARKS.md between the bench:tiers markers.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { sql } from '@membership/db';
import { migrationsFolder } from '../subgraphs/tiers/src/subgraph.js';
import { reevaluateAll } from '../subgraphs/tiers/src/db/reevaluation.js';
import { loadBenchTiersEnv } from './bench/env.js';
import { openBenchDatabase } from './bench/subgraphs.js';

const env = loadBenchTiersEnv();
if (!env.DATABASE_URL)
  throw new Error('bench:tiers measures Postgres: set DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/postgres).');
const N = env.BENCH_TIERS_MEMBERS;
const GRACE_DAYS = 30;
const say = (line: string) => console.log(line);
const load = () => loadavg()[0]!.toFixed(2);

const { database, close } = await openBenchDatabase(env.DATABASE_URL, 'membership_bench_tiers');
const run = (query: ReturnType<typeof sql>) => database.rows(query);
const timed = async <T>(label: string, work: () => Promise<T>): Promise<{ seconds: number; result: T }> => {
  await run(sql.raw('vacuum analyze tiers.member_tiers'));
  const started = process.hrtime.bigint();
  const result = await work();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  say(`${label}: ${seconds.toFixed(2)} s`);
  return { seconds, result };
};

try {
  await database.migrate(migrationsFolder, 'tiers');
  const now = new Date();
  const at = now.toISOString();
  const loadStart = load();
  let started = Date.now();
  // Members enter in Bronze; once their facts are loaded they are placed where their spend puts them.
  await run(sql`insert into tiers.member_tiers (member_id, tier_code, since)
    select md5('m' || i)::uuid, 'BRONZE', ${at}::timestamptz - interval '200 days'
    from generate_series(1, ${N}) i`);
  await run(sql`insert into tiers.purchases (order_id, member_id, amount, currency, paid_at)
    select md5('o' || i || '-' || k)::uuid, md5('m' || i)::uuid, 5000 + ((i::bigint * 7919 + k * 104729) % 600000)::int, 'CNY',
           ${at}::timestamptz - make_interval(days => case when k = 1 and i % 10 = 0 then 400 else (i + k * 37) % 360 end)
    from generate_series(1, ${N}) i, generate_series(1, 2) k`);
  await run(sql`insert into tiers.refunds (refund_id, order_id, member_id, amount, currency, completed_at)
    select md5('r' || i)::uuid, md5('o' || i || '-2')::uuid, md5('m' || i)::uuid, 2000, 'CNY', ${at}::timestamptz - interval '1 day'
    from generate_series(10, ${N}, 10) i`);
  await run(sql`insert into tiers.activities (event_id, member_id, kind, occurred_at)
    select md5('a' || i)::uuid, md5('m' || i)::uuid, (array['check_in','activity','review','share'])[1 + (i % 4)], ${at}::timestamptz - make_interval(days => i % 300)
    from generate_series(1, ${N}) i`);
  await run(sql`insert into tiers.sanctions (sanction_id, member_id, kind, applied_at)
    select md5('s' || i)::uuid, md5('m' || i)::uuid, case when i % 100 = 0 then 'RESTRICTED_BENEFITS' else 'WARNING' end, ${at}::timestamptz - interval '20 days'
    from generate_series(50, ${N}, 50) i`);
  // Where the events would have put them: each member's tier from their spend in the window (activity and refunds
  // aside, so the first run still finds some members above or below their tier).
  await run(sql`update tiers.member_tiers m set tier_code = case when s.spend >= 5000000 then 'DIAMOND' when s.spend >= 1500000 then 'PLATINUM'
      when s.spend >= 500000 then 'GOLD' when s.spend >= 100000 then 'SILVER' else 'BRONZE' end
    from (select member_id, sum(amount) as spend from tiers.purchases where paid_at > ${at}::timestamptz - interval '365 days' group by member_id) s
    where s.member_id = m.member_id`);
  await run(sql.raw('vacuum analyze tiers.member_tiers, tiers.purchases, tiers.refunds, tiers.activities, tiers.sanctions'));
  // The bare UPDATE's source: the same columns of the same rows, ready to copy.
  await run(
    sql.raw(
      `create table tiers.bench_source as select member_id, qualifying_spend + 1 as qualifying_spend, purchases + 1 as purchases, score + 1 as score, credit_score + 1 as credit_score from tiers.member_tiers`,
    ),
  );
  await run(sql.raw('alter table tiers.bench_source add primary key (member_id)'));
  await run(sql.raw('analyze tiers.bench_source'));
  say(
    `Loaded ${N.toLocaleString('en')} members, ${(2 * N).toLocaleString('en')} orders and their facts in ${((Date.now() - started) / 1000).toFixed(1)} s.`,
  );

  const bare = await timed('bare UPDATE … FROM, every member', () =>
    run(
      sql.raw(`update tiers.member_tiers m set qualifying_spend = s.qualifying_spend, purchases = s.purchases, score = s.score,
                 credit_score = s.credit_score, evaluated_at = now() from tiers.bench_source s where m.member_id = s.member_id`),
    ),
  );
  const first = await timed('re-evaluation, first run (every member written)', () => reevaluateAll(database.db, now, GRACE_DAYS));
  const again = await timed('re-evaluation, same moment again', () => reevaluateAll(database.db, now, GRACE_DAYS));
  const nextDay = await timed('re-evaluation, a day later', () =>
    reevaluateAll(database.db, new Date(now.getTime() + 86_400_000), GRACE_DAYS),
  );
  const loadEnd = load();
  started = Date.now();

  const ratio = (s: number) => `${(s / bare.seconds).toFixed(2)}×`;
  const row = (name: string, t: { seconds: number }, result: string, target: string) =>
    `| ${name} | ${t.seconds.toFixed(2)} | ${ratio(t.seconds)} | ${result} | ${target} |`;
  const counts = (r: { updated: number; tierChanges: number; downgradesAnnounced: number }) =>
    `${r.updated.toLocaleString('en')} rows written, ${r.tierChanges.toLocaleString('en')} TierChanged, ${r.downgradesAnnounced.toLocaleString('en')} downgrades announced`;
  const busiest = Math.max(Number(loadStart), Number(loadEnd));
  const crowded =
    busiest > 2 * cpus().length
      ? `\n\n**This run is not a fair test of the 60 s target:** the load average reached ${busiest.toFixed(0)} on ${cpus().length} cores (other jobs on the machine), so every statement, the bare UPDATE included, ran many times slower than on an idle machine. The ratios compare statements of the same run under the same load.`
      : '';
  const ok = (t: { seconds: number }) => (t.seconds < 60 && t.seconds <= 3 * bare.seconds ? '✓' : '✗');
  const section = `<!-- bench:tiers -->
## Tier re-evaluation (\`npm run bench:tiers\`)

${now.toISOString().slice(0, 10)}, Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model.split(' ').slice(0, 2).join(' ') ?? 'CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM. Database: Postgres (scratch database, default settings).
${N.toLocaleString('en')} members; ${(2 * N).toLocaleString('en')} paid orders (one member in 10 has one older than the 365-day window), ${Math.floor(N / 10).toLocaleString('en')} refunds,
${N.toLocaleString('en')} activities, ${Math.floor(N / 50).toLocaleString('en')} sanctions (half of them RESTRICTED_BENEFITS in force). Members start in the tier their spend
in the window reaches (as the events would have placed them) and have never been evaluated, so the first run writes every member's evaluation,
and moves those whose activity, refunds, loyalty or credit score say otherwise. Each statement runs after \`VACUUM ANALYZE\`, one after the other in the same scratch database.
The bare \`UPDATE … FROM\` writes the same evaluation columns of every member from a ready table (no aggregation, no decision, no events).
The machine was shared with other jobs: load average (1 min) ${loadStart} when loading began, ${loadEnd} at the end.

| statement | seconds | vs bare UPDATE | what it did | target: < 60 s and ≤ 3× bare |
| --- | --- | --- | --- | --- |
| bare \`UPDATE … FROM\`, every member | ${bare.seconds.toFixed(2)} | 1.00× | ${N.toLocaleString('en')} rows written | |
${row('re-evaluation, first run', first, counts(first.result), ok(first))}
${row('re-evaluation, same moment again', again, counts(again.result), ok(again))}
${row('re-evaluation, a day later', nextDay, counts(nextDay.result), ok(nextDay))}

The second run at the same moment writes nothing (idempotent); the day-later run writes only the members whose window moved.${crowded}
<!-- /bench:tiers -->`;
  say(section);
  if (env.BENCH_WRITE_DOCS) {
    const file = fileURLToPath(new URL('../docs/BENCHMARKS.md', import.meta.url));
    const existing = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
    const updated = existing.includes('<!-- bench:tiers -->')
      ? existing.replace(/<!-- bench:tiers -->[\s\S]*<!-- \/bench:tiers -->/, () => section)
      : `${existing.trimEnd()}\n\n${section}\n`;
    writeFileSync(file, updated);
    say('Wrote docs/BENCHMARKS.md');
  }
} finally {
  await close();
}
process.exit(0);
