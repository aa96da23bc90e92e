/**
 * npm run bench — this project's gateway, fully on, against a plain Apollo Gateway and
 * Hive Gateway, on the same five subgraphs, the same supergraph and the same data, in
 * one run. The subgraphs run once in this process (Postgres when DATABASE_URL is set,
 * in a scratch database next to it; else in-memory PGlite); each gateway runs in its own
 * process, so its RSS is its own; the load comes from a third process. Runs are
 * interleaved (every gateway once per round), after a warm-up, bounded in time, on
 * loopback only. Writes docs/BENCHMARKS.md (between the bench:gateways markers) and
 * docs/bench-throughput.svg.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { createLogger } from '@membership/config';
import { prepareDatabase } from '@membership/stack';
import { throughputChart } from './bench/chart.js';
import { loadBenchEnv } from './bench/env.js';
import { GATEWAY_LABELS, benchKeyPair, type GatewayKind } from './bench/gateway-config.js';
import type { LoadResult } from './bench/load.js';
import { runLoad, startGatewayProcess, type GatewayMemory, type GatewayProcess } from './bench/processes.js';
import { seedBench } from './bench/seed.js';
import { openBenchDatabase, startSubgraphs } from './bench/subgraphs.js';
import { buildWorkloads, type Workload } from './bench/workloads.js';

const env = loadBenchEnv();
const logger = createLogger('bench', 'error');
const root = new URL('../', import.meta.url);
const say = (line: string) => process.stdout.write(`${line}\n`);

// Secrets of this run only: the gateways get the token secret and the private key, the
// subgraphs the public key.
const gatewayKey = benchKeyPair();
const secrets = {
  JWT_SECRET: 'bench-jwt-secret-0123456789abcdef0123456789',
  GATEWAY_PUBLIC_KEY: gatewayKey.publicKey,
};

// ---- database, subgraphs and data ------------------------------------------------------
const started = Date.now();
const loadAtStart = os.loadavg()[0]!.toFixed(2);
const db = await openBenchDatabase(env.DATABASE_URL, 'membership_bench');
const { database } = db;
const moduleEnv = { NODE_ENV: 'test', LOG_LEVEL: 'error', ...secrets };
const now = new Date();
const { modules, bus } = await prepareDatabase({ database, logger, env: moduleEnv, seed: 'never' });
const seeded = await seedBench({
  database,
  moduleOptions: { database, env: moduleEnv, logger },
  bus,
  members: env.BENCH_MEMBERS,
  hotMembers: 50,
  now,
});
say(`Seeded ${env.BENCH_MEMBERS.toLocaleString('en')} members on ${database.kind} in ${((Date.now() - started) / 1000).toFixed(1)} s.`);

/** GraphQL requests each subgraph has answered (counted where the request context is built). */
const subgraphCalls: Record<string, number> = Object.fromEntries(modules.map((m) => [m.name, 0]));
const subgraphs = await startSubgraphs(modules, { logger, onRequest: (name) => subgraphCalls[name]!++ });
const totalCalls = () => Object.values(subgraphCalls).reduce((a, b) => a + b, 0);

// ---- gateways, each in its own process ---------------------------------------------------
const profile = env.BENCH_CPU_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${env.BENCH_CPU_PROFILE_DIR}`] : [];
const startGateway = (kind: GatewayKind) =>
  startGatewayProcess(
    {
      kind,
      supergraphSdl: subgraphs.supergraphSdl,
      subgraphUrls: subgraphs.urls,
      jwtSecret: secrets.JWT_SECRET,
      signingKey: gatewayKey.privateKey,
      candidateEntry: kind === 'candidate' ? env.BENCH_CANDIDATE : undefined,
    },
    { execArgv: profile },
  );

const gateways: GatewayProcess[] = [];
const unavailable: Partial<Record<GatewayKind, string>> = {};
for (const kind of env.BENCH_GATEWAYS as GatewayKind[]) {
  try {
    gateways.push(await startGateway(kind));
  } catch (error) {
    unavailable[kind] = error instanceof Error ? error.message : String(error);
    say(`${GATEWAY_LABELS[kind]} did not start: ${unavailable[kind]}`);
  }
}

// ---- load ---------------------------------------------------------------------------------
function load(url: string, w: Workload, kind: GatewayKind, connections: number, durationMs: number): Promise<LoadResult> {
  return runLoad({
    url,
    headers: w.headers,
    headerSets: w.callers[kind],
    expects: w.expects,
    bodies: [w.body],
    connections,
    durationMs,
    strict: true,
  });
}

/** One request through the gateway, to check the answers before measuring anything. */
async function probe(g: GatewayProcess, w: Workload): Promise<unknown> {
  const response = await fetch(g.url, { method: 'POST', headers: { ...w.headers, ...w.callers[g.kind][0] }, body: w.body });
  return response.json();
}

const workloads = (await buildWorkloads({ jwtSecret: secrets.JWT_SECRET, dashboardMembers: seeded.hotMemberIds, database })).filter((w) =>
  env.BENCH_WORKLOADS.includes(w.key),
);

const checks: string[] = [];
for (const w of workloads) {
  const answers = await Promise.all(gateways.map(async (g) => ({ kind: g.kind, body: await probe(g, w) })));
  for (const a of answers) {
    const errors = (a.body as { errors?: unknown[] }).errors;
    if (errors) throw new Error(`${GATEWAY_LABELS[a.kind]} answered (${w.key}) with errors: ${JSON.stringify(errors).slice(0, 1000)}`);
  }
  // Same data from every gateway, except the contact fields ours masks for staff.
  const masks = (kind: GatewayKind) => kind === 'ours' || kind === 'candidate';
  const reference = answers.find((a) => !masks(a.kind)) ?? answers[0];
  for (const a of answers) {
    const same = JSON.stringify(a.body) === JSON.stringify(reference?.body);
    if (!same)
      checks.push(
        `(${w.key}) ${GATEWAY_LABELS[a.kind]} differs from ${GATEWAY_LABELS[reference!.kind]}${masks(a.kind) && w.key === 'b' ? ' (expected: masked contact fields)' : ''}`,
      );
  }
}
for (const c of checks) say(`check: ${c}`);

interface Run extends LoadResult {
  workload: Workload['key'];
  kind: GatewayKind;
  connections: number;
  round: number;
  callsPerRequest: number;
  callsBySubgraph: Record<string, number>;
  peakRss: number;
  /** CPU time of the gateway process per request (user + system), ms. */
  gatewayCpuMs: number;
  /** CPU time of the subgraphs' process per request, ms (the database's own is not in it on Postgres). */
  subgraphCpuMs: number;
}

const runs: Run[] = [];
const mb = (bytes: number) => bytes / 1024 / 1024;
for (const w of workloads) {
  const top = Math.max(...env.BENCH_CONCURRENCY);
  for (const g of gateways) if (env.BENCH_WARMUP_SECONDS > 0) await load(g.url, w, g.kind, top, env.BENCH_WARMUP_SECONDS * 1000);
  for (const connections of env.BENCH_CONCURRENCY) {
    for (let round = 0; round < env.BENCH_ROUNDS; round++) {
      // Rotate who goes first, so no gateway always follows the same neighbour.
      const order = gateways.map((_g, i) => gateways[(i + round) % gateways.length]!);
      for (const g of order) {
        await g.ask('reset');
        const before = { ...subgraphCalls };
        const subgraphCpu = process.cpuUsage();
        const result = await load(g.url, w, g.kind, connections, env.BENCH_SECONDS * 1000);
        const subgraphCpuUsed = process.cpuUsage(subgraphCpu);
        const memory = await g.ask<GatewayMemory>('memory');
        const perRequest = (micros: number) => micros / 1000 / Math.max(1, result.requests);
        const gatewayCpuMs = perRequest(memory.cpuMicros);
        const subgraphCpuMs = perRequest(subgraphCpuUsed.user + subgraphCpuUsed.system);
        const callsBySubgraph = Object.fromEntries(
          Object.keys(subgraphCalls).map((k) => [k, (subgraphCalls[k]! - before[k]!) / Math.max(1, result.requests)]),
        );
        const calls = Object.values(callsBySubgraph).reduce((a, b) => a + b, 0);
        runs.push({
          ...result,
          workload: w.key,
          kind: g.kind,
          connections,
          round,
          callsPerRequest: calls,
          callsBySubgraph,
          peakRss: memory.peak,
          gatewayCpuMs,
          subgraphCpuMs,
        });
        say(
          `(${w.key}) ${GATEWAY_LABELS[g.kind].padEnd(24)} c=${String(connections).padStart(2)} r${round + 1}: ${result.rps.toFixed(0).padStart(5)} req/s, p50 ${result.p50.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms, errors ${result.errors} (wrong answers ${result.wrongAnswers}), ${calls.toFixed(2)} subgraph calls/req, CPU/req gateway ${gatewayCpuMs.toFixed(2)} ms subgraphs ${subgraphCpuMs.toFixed(2)} ms, peak RSS ${mb(memory.peak).toFixed(0)} MB${result.firstError ? `\n    first error: ${result.firstError}` : ''}`,
        );
      }
    }
  }
}
say(`Total subgraph calls: ${totalCalls().toLocaleString('en')}.`);

// ---- summary ------------------------------------------------------------------------------
interface Summary {
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  errors: number;
  wrongAnswers: number;
  requests: number;
  calls: number;
  callsBySubgraph: Record<string, number>;
  peakRss: number;
  gatewayCpuMs: number;
  subgraphCpuMs: number;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

function summarise(workload: string, kind: GatewayKind, connections: number): Summary | undefined {
  const rs = runs.filter((r) => r.workload === workload && r.kind === kind && r.connections === connections);
  if (rs.length === 0) return undefined;
  const requests = rs.reduce((n, r) => n + r.requests, 0);
  return {
    rps: median(rs.map((r) => r.rps)),
    p50: median(rs.map((r) => r.p50)),
    p95: median(rs.map((r) => r.p95)),
    p99: median(rs.map((r) => r.p99)),
    errors: rs.reduce((n, r) => n + r.errors, 0),
    wrongAnswers: rs.reduce((n, r) => n + r.wrongAnswers, 0),
    requests,
    calls: rs.reduce((n, r) => n + r.callsPerRequest * r.requests, 0) / requests,
    callsBySubgraph: Object.fromEntries(
      Object.keys(subgraphCalls).map((k) => [k, rs.reduce((n, r) => n + (r.callsBySubgraph[k] ?? 0) * r.requests, 0) / requests]),
    ),
    peakRss: Math.max(...rs.map((r) => r.peakRss)),
    gatewayCpuMs: rs.reduce((n, r) => n + r.gatewayCpuMs * r.requests, 0) / requests,
    subgraphCpuMs: rs.reduce((n, r) => n + r.subgraphCpuMs * r.requests, 0) / requests,
  };
}

const top = Math.max(...env.BENCH_CONCURRENCY);
const kinds = gateways.map((g) => g.kind);
const tableRows: string[] = [];
for (const w of workloads) {
  for (const c of env.BENCH_CONCURRENCY) {
    for (const kind of kinds) {
      const s = summarise(w.key, kind, c)!;
      tableRows.push(
        `| (${w.key}) | ${c} | ${GATEWAY_LABELS[kind]} | ${s.rps.toFixed(0)} | ${s.p50.toFixed(1)} | ${s.p95.toFixed(1)} | ${s.p99.toFixed(1)} | ${s.errors}${s.wrongAnswers ? ` (${s.wrongAnswers} wrong answers)` : ''} | ${s.calls.toFixed(2)} | ${s.gatewayCpuMs.toFixed(2)} | ${s.subgraphCpuMs.toFixed(2)} | ${mb(s.peakRss).toFixed(0)} |`,
      );
    }
  }
}

const ratioRows: string[] = [];
for (const w of workloads) {
  const ours = summarise(w.key, 'ours', top);
  const apollo = summarise(w.key, 'apollo', top);
  const hive = summarise(w.key, 'hive', top);
  const candidate = summarise(w.key, 'candidate', top);
  // Throughput, and in brackets the other gateway's CPU per request over ours (above 1: ours is cheaper).
  const ratio = (a?: Summary, b?: Summary) =>
    a && b ? `${(a.rps / b.rps).toFixed(2)}× (CPU ${(b.gatewayCpuMs / a.gatewayCpuMs).toFixed(2)}×)` : 'n/a';
  const target = w.key === 'c' ? '' : ours && apollo ? (ours.rps / apollo.rps >= 0.85 ? ' ✓ (target ≥ 0.85×)' : ' ✗ (target ≥ 0.85×)') : '';
  ratioRows.push(
    `| (${w.key}) ${w.name} | ${ratio(ours, apollo)}${target} | ${ratio(ours, hive)} |${candidate ? ` ${ratio(candidate, ours)} |` : ''}`,
  );
}

const callRows: string[] = [];
const names = Object.keys(subgraphCalls);
for (const w of workloads) {
  for (const kind of kinds) {
    const s = summarise(w.key, kind, top)!;
    callRows.push(
      `| (${w.key}) | ${GATEWAY_LABELS[kind]} | ${names.map((n) => s.callsBySubgraph[n]!.toFixed(2)).join(' | ')} | ${s.calls.toFixed(2)} |`,
    );
  }
}

const cpu = os.cpus()[0]?.model?.trim() ?? 'unknown CPU';
const date = new Date().toISOString().slice(0, 10);
const machine = `${os.cpus().length} × ${cpu}, ${(os.totalmem() / 1024 ** 3).toFixed(0)} GiB RAM, ${os.type()} ${os.release()}`;
const errorsTotal = runs.reduce((n, r) => n + r.errors, 0);
const notes = Object.entries(unavailable).map(
  ([kind, error]) => `- ${GATEWAY_LABELS[kind as GatewayKind]} did not run: \`${error.split('\n')[0]}\``,
);

const section = `<!-- bench:gateways -->
## Gateways compared (\`npm run bench\`)

${date}, Node ${process.version}, ${machine}. Database: ${database.kind === 'postgres' ? 'Postgres (scratch database)' : 'PGlite in memory, in the subgraphs’ process'}.
${env.BENCH_MEMBERS.toLocaleString('en')} members (5 orders of 2 lines, 6 points entries, a tier each; a warning for every 20th).
Five subgraphs in one process; each gateway in its own process; load from a separate process (closed loop, keep-alive),
all on loopback. ${env.BENCH_ROUNDS} interleaved round(s) of ${env.BENCH_SECONDS} s per gateway, workload and concurrency, after
${env.BENCH_WARMUP_SECONDS} s of warm-up per gateway and workload. req/s and latencies (ms) are the medians of the rounds.
Errors count any response with a GraphQL error or a non-2xx status. Subgraph calls are counted at the subgraphs
(ours includes its one access-log write to identity per request that returns someone else's PII).
Peak RSS is the gateway process's, sampled every 100 ms during the run. CPU per request is user + system time of the
gateway's process, and of the subgraphs' process, divided by the requests served: on a machine this small the
subgraphs share the cores with the gateway, so CPU per request says more about a gateway's own cost than req/s does.

Workloads: (a) ${workloads.find((w) => w.key === 'a')?.name ?? 'not run'}, rotating over 50 members;
(b) ${workloads.find((w) => w.key === 'b')?.name ?? 'not run'}, one support agent (\`x-access-purpose: support\`);
(c) ${workloads.find((w) => w.key === 'c')?.name ?? 'not run'}, the same agent. Queries: scripts/bench/workloads.ts.

Ours is fully on: JWT verification, PII rules with masking, the access log written to identity before each
response, operation limits, CSRF prevention. The plain gateways verify nothing; they sign the viewer the load
generator names into every subgraph call, because the subgraphs refuse unsigned calls. Ours and Hive Gateway share
one subgraph call among identical queries of the same caller in flight at the same moment (Hive Gateway gets a
header that is the same for the same caller, as a forwarded token would be); Apollo Gateway has no such feature.
(b) and (c) come from a single caller, the best case for that sharing; (a) from 50 different members, where there
is almost nothing to share. At 1 client nothing is ever shared. See docs/PERFORMANCE.md.

![throughput by concurrency](bench-throughput.svg)

**Ours relative to the others at ${top} clients:** requests/s of ours over theirs; in brackets their gateway CPU
per request over ours (above 1: ours does the same work with less CPU). Machine load average (1 min) at start
${loadAtStart}, at end ${os.loadavg()[0]!.toFixed(2)}: anything above the bench's own processes is other work sharing the cores.

| workload | ours / Apollo Gateway | ours / Hive Gateway |${kinds.includes('candidate') ? ' candidate / ours |' : ''}
| --- | --- | --- |${kinds.includes('candidate') ? ' --- |' : ''}
${ratioRows.join('\n')}

| workload | clients | gateway | req/s | p50 | p95 | p99 | errors | subgraph calls / req | gateway CPU ms / req | subgraphs CPU ms / req | peak RSS MB |
| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |
${tableRows.join('\n')}

Subgraph calls per request at ${top} clients, by subgraph:

| workload | gateway | ${names.join(' | ')} | all |
| --- | --- | ${names.map(() => '---').join(' | ')} | --- |
${callRows.join('\n')}

${errorsTotal === 0 ? 'No errors in any run.' : `**${errorsTotal} errors** — the numbers above are not valid.`}
${checks.length ? `\nAnswers compared before measuring:\n${checks.map((c) => `- ${c}`).join('\n')}\n` : '\nEvery gateway gave the same answer to every workload before measuring.\n'}${notes.length ? `\n${notes.join('\n')}\n` : ''}<!-- /bench:gateways -->`;

say('');
say(section);

if (env.BENCH_WRITE_DOCS) {
  const docs = new URL('docs/', root);
  mkdirSync(docs, { recursive: true });
  const file = fileURLToPath(new URL('BENCHMARKS.md', docs));
  const existing = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const updated = existing.includes('<!-- bench:gateways -->')
    ? existing.replace(/<!-- bench:gateways -->[\s\S]*<!-- \/bench:gateways -->/, () => section)
    : `${existing.trimEnd()}\n\n${section}\n`;
  writeFileSync(file, updated);
  const colors: Record<GatewayKind, string> = { ours: '#2f6fdf', apollo: '#8a8f98', hive: '#e8a317', candidate: '#2a9d5c' };
  const svg = throughputChart({
    title: 'Throughput by concurrency: ours (fully on) vs Apollo Gateway vs Hive Gateway',
    subtitle: `${date} · Node ${process.version} · ${os.cpus().length} × ${cpu} · ${database.kind} · ${env.BENCH_MEMBERS.toLocaleString('en')} members`,
    panels: workloads.map((w) => ({
      title: `(${w.key}) ${w.key === 'a' ? 'member dashboard' : w.key === 'b' ? 'staff list of 50' : 'deep nested, 3 hops'}`,
      groups: env.BENCH_CONCURRENCY,
      series: kinds.map((kind) => ({
        label: GATEWAY_LABELS[kind],
        color: colors[kind],
        values: env.BENCH_CONCURRENCY.map((c) => summarise(w.key, kind, c)?.rps),
      })),
    })),
  });
  writeFileSync(fileURLToPath(new URL('bench-throughput.svg', docs)), svg);
  say('Wrote docs/BENCHMARKS.md and docs/bench-throughput.svg');
}

for (const g of gateways) await g.stop();
await subgraphs.close();
await db.close();
process.exit(errorsTotal === 0 ? 0 : 1);
