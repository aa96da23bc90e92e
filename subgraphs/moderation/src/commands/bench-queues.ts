/**
 * Moderation's queues and its job at scale, on Postgres: 1,000,000 complaints, reports
 * and sanctions in a scratch database, then the statements staff and the job run, timed.
 *
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench -w @membership/moderation
 *
 * Prints a Markdown table for docs/BENCHMARKS.md. The scratch database is dropped after.
 */
import { performance } from 'node:perf_hooks';
import { createScratchDatabase, openDatabase, sql } from '@membership/db';
import { ComplaintsRepository } from '../db/complaints-repository.js';
import { ReportsRepository } from '../db/reports-repository.js';
import { SanctionsRepository } from '../db/sanctions-repository.js';
import { loadModerationEnv } from '../env.js';
import { migrationsFolder } from '../subgraph.js';

const env = loadModerationEnv();
const admin = env.BENCH_DATABASE_URL;
if (!admin) {
  process.stderr.write('Set BENCH_DATABASE_URL to a Postgres server (a scratch database is made on it).\n');
  process.exit(1);
}
const ROWS = 1_000_000;
const DUE = 10_000;
const scratch = await createScratchDatabase(admin, 'moderation_bench');
const database = await openDatabase({ url: scratch.url, poolSize: 2 });
const now = new Date();
const nowIso = now.toISOString();

async function timed(label: string, runs: number, fn: () => Promise<unknown>): Promise<[string, number, number]> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return [label, times[Math.floor(times.length / 2)]!, times[Math.min(times.length - 1, Math.floor(times.length * 0.95))]!];
}

try {
  await database.migrate(migrationsFolder, 'moderation');
  const load = performance.now();
  // A year of complaints, one in ten still open with a deadline spread over the last and next weeks.
  await database.rows(sql`
    insert into moderation.complaints (id, member_id, channel, category, priority, status, subject, created_at,
      first_response_due_at, resolution_due_at, first_responded_at, resolved_at, root_cause, rating, escalations, next_due_at)
    select gen_random_uuid(), gen_random_uuid(),
      (array['APP','PHONE','EMAIL','IN_PERSON'])[1 + i % 4], (array['ORDER','DELIVERY','REFUND','POINTS','TIER','OTHER'])[1 + i % 6],
      (array['LOW','NORMAL','HIGH','URGENT'])[1 + i % 4],
      case when i % 10 = 0 then 'OPEN' else 'CLOSED' end, 'subject', ${nowIso}::timestamptz - (i % 365) * interval '1 day',
      ${nowIso}::timestamptz + ((i % 14) - 7) * interval '1 day', ${nowIso}::timestamptz + ((i % 14) - 5) * interval '1 day',
      case when i % 10 = 0 then null else ${nowIso}::timestamptz - (i % 365) * interval '1 day' end,
      case when i % 10 = 0 then null else ${nowIso}::timestamptz - (i % 365) * interval '1 day' end,
      case when i % 10 = 0 then null else 'cause_' || (i % 50) end, case when i % 10 = 0 then null else 1 + i % 5 end, 0,
      case when i % 10 = 0 then ${nowIso}::timestamptz + ((i % 14) - 7) * interval '1 day' else null end
    from generate_series(1, ${ROWS}) i`);
  await database.rows(sql`
    insert into moderation.reports (id, subject_member_id, content_ref, category, status, priority, submissions, reporters, first_reported_at, last_reported_at)
    select gen_random_uuid(), gen_random_uuid(), '', (array['INSULT','HARASSMENT','ILLEGAL_ACT','FAKE_TRANSACTIONS'])[1 + i % 4],
      case when i % 20 = 0 then 'OPEN' else 'DISMISSED' end, i % 150, 1, 1,
      ${nowIso}::timestamptz - (i % 365) * interval '1 day', ${nowIso}::timestamptz - (i % 365) * interval '1 day'
    from generate_series(1, ${ROWS}) i`);
  // Sanctions: most lifted long ago, DUE scheduled ones whose notice is over and DUE active ones whose end passed.
  await database.rows(sql`
    insert into moderation.sanctions (id, member_id, kind, reason, status, starts_at, ends_at, created_at, announced_at, appeal_until)
    select gen_random_uuid(), gen_random_uuid(), 'RESTRICTED_BENEFITS', 'reason',
      case when i <= ${DUE} then 'SCHEDULED' when i <= ${2 * DUE} then 'ACTIVE' else 'LIFTED' end,
      ${nowIso}::timestamptz - interval '31 days' + case when i <= ${DUE} then interval '30 days' else interval '0 days' end,
      ${nowIso}::timestamptz - interval '1 day' + case when i <= ${DUE} then interval '60 days' else interval '0 days' end,
      ${nowIso}::timestamptz - interval '40 days', ${nowIso}::timestamptz - interval '40 days', ${nowIso}::timestamptz - interval '26 days'
    from generate_series(1, ${ROWS}) i`);
  for (const table of [sql`moderation.complaints`, sql`moderation.reports`, sql`moderation.sanctions`])
    await database.rows(sql`analyze ${table}`);
  const loadedIn = performance.now() - load;

  const complaints = new ComplaintsRepository(database.db, { all: true });
  const reports = new ReportsRepository(database.db);
  const rows = [
    await timed('complaintQueue(first: 50): unresolved by deadline', 30, () => complaints.queue(now, false, 50)),
    await timed('complaintQueue(breachedOnly: true, first: 50)', 30, () => complaints.queue(now, true, 50)),
    await timed('complaintStats over 30 days (~82,000 complaints)', 10, () =>
      complaints.stats(new Date(now.getTime() - 30 * 86_400_000), now, now),
    ),
    await timed('reportQueue(first: 50)', 30, () => reports.queue('OPEN', 50)),
    await timed(
      `moderation.sanctions job: ${DUE.toLocaleString('en')} applied + ${DUE.toLocaleString('en')} expired, with their events`,
      1,
      () => new SanctionsRepository(database.db).runDue(now),
    ),
    await timed('moderation.sanctions job again: nothing due', 5, () => new SanctionsRepository(database.db).runDue(now)),
  ];
  process.stdout.write(`Loaded ${ROWS.toLocaleString('en')} complaints, reports and sanctions in ${(loadedIn / 1000).toFixed(1)} s.\n\n`);
  process.stdout.write('| statement | p50 ms | p95 ms |\n| --- | --- | --- |\n');
  for (const [label, p50, p95] of rows) process.stdout.write(`| ${label} | ${p50.toFixed(1)} | ${p95.toFixed(1)} |\n`);
} finally {
  await database.close();
  await scratch.drop();
}
