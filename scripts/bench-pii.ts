/**
 * npm run bench:pii — this project's gateway with and without the PII layer over the same
 * in-memory subgraph, in one run: each gateway in its own process (so JIT, heap and CPU
 * are its own), with a second plain gateway as a control for the machine's noise, the
 * subgraph in this one, the load from another; interleaved rounds over
 * HTTP after a warm-up. Prints p50/p95 latency, throughput and the gateway's CPU time per
 * request, then the memory of the PII gateway over 100,000 requests with 1,000 distinct
 * documents. Writes the table to docs/BENCHMARKS.md.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { createLogger } from '@membership/config';
import { composeSupergraph } from '@membership/composition';
import { startSubgraphServer } from '@membership/subgraph';
import { issueAccessToken } from '@membership/viewer';
import { BENCH_OWNER, PEOPLE_SDL, peopleSubgraph } from './bench/people-subgraph.js';
import { runLoad, startGatewayProcess, type GatewayMemory, type GatewayProcess } from './bench/processes.js';
import { loadBenchPiiEnv } from './bench/env.js';
import { benchKeyPair } from './bench/gateway-config.js';
import type { LoadResult } from './bench/load.js';

const {
  BENCH_SECONDS: SECONDS,
  BENCH_ROUNDS: ROUNDS,
  BENCH_CONNECTIONS: CONNECTIONS,
  BENCH_MEMORY_REQUESTS: MEMORY_REQUESTS,
} = loadBenchPiiEnv();

// Secrets of this run only.
const gatewayKey = benchKeyPair();
const secrets = { jwtSecret: 'bench-pii-jwt-secret-0123456789abcdef0123', signingKey: gatewayKey.privateKey };
const logger = createLogger('bench', 'silent');
const people = await startSubgraphServer(peopleSubgraph(), { port: 0, trustedKeys: { gateway: gatewayKey.publicKey }, logger });
const composed = composeSupergraph([{ name: 'people', url: people.url, sdl: PEOPLE_SDL }]);
if (!composed.ok) throw new Error(composed.errors.join('\n'));
// No identity here to ask about sessions either: every variant runs without the session check.
const common = {
  kind: 'ours' as const,
  supergraphSdl: composed.supergraphSdl,
  subgraphUrls: { people: people.url },
  noSessionCheck: true,
  ...secrets,
};
// Owner reads and denials write no access log; staff reads log to a no-op sink, as the bench has no identity.
// All with --expose-gc (for the memory run), so they differ only in the PII layer. The
// second plain gateway is the control: how far two identical gateways differ in one run.
const plain = await startGatewayProcess({ ...common, pii: false }, { execArgv: ['--expose-gc'] });
const ours = await startGatewayProcess({ ...common, pii: true, accessLogSink: true }, { execArgv: ['--expose-gc'] });
const control = await startGatewayProcess({ ...common, pii: false }, { execArgv: ['--expose-gc'] });
const gateways = { ours, plain, control };
type Variant = keyof typeof gateways;
const VARIANTS: Variant[] = ['ours', 'plain', 'control'];

const token = async (sub: string, kind: 'member' | 'staff', scope?: string) =>
  (await issueAccessToken({ sub, kind, scope }, secrets.jwtSecret, { ttlSeconds: 3600 })).token;
const ownerToken = await token(BENCH_OWNER, 'member');
const supportToken = await token('00000000-0000-4000-8000-00000000057a', 'staff', 'pii:contact:read pii:identity:read');

const fields = 'id displayName tier email phone realName idNumber';
const workloads: { name: string; body: string; headers: Record<string, string>; target: number }[] = [
  {
    name: 'all allowed: 50 people × 4 PII fields, read by their owner',
    body: JSON.stringify({ query: `{ people(count: 50) { ${fields} } }` }),
    headers: { authorization: `Bearer ${ownerToken}` },
    target: 1.15,
  },
  {
    name: 'all allowed: 50 members × 4 PII fields, read by support staff (full scopes, a purpose), 200 values logged per response',
    body: JSON.stringify({ query: `{ people(count: 50, owners: 50) { ${fields} } }` }),
    headers: { authorization: `Bearer ${supportToken}`, 'x-access-purpose': 'support' },
    target: 1.15,
  },
  {
    name: '100 denied PII fields per response (25 people × 4, anonymous)',
    body: JSON.stringify({ query: `{ people(count: 25) { ${fields} } }` }),
    headers: {},
    target: 2,
  },
];

/** One measured round: the load generator's numbers and the gateway's CPU time per request. */
async function round(gateway: GatewayProcess, headers: Record<string, string>, bodies: string[], durationMs: number, maxRequests?: number) {
  await gateway.ask('reset');
  const load = await runLoad({ url: gateway.url, headers, bodies, connections: CONNECTIONS, durationMs, maxRequests });
  const { cpuMicros } = await gateway.ask<GatewayMemory>('memory');
  return { ...load, cpuMsPerRequest: cpuMicros / 1000 / Math.max(1, load.requests) };
}

const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const rows: string[] = [];
for (const w of workloads) {
  const headers = { 'content-type': 'application/json', ...w.headers };
  for (const g of Object.values(gateways)) await round(g, headers, [w.body], 2000); // warm-up
  const results: Record<Variant, (LoadResult & { cpuMsPerRequest: number })[]> = { ours: [], plain: [], control: [] };
  // The order rotates: whichever runs first in a round measured slower on this machine.
  for (let r = 0; r < ROUNDS; r++) {
    for (let i = 0; i < VARIANTS.length; i++) {
      const name = VARIANTS[(r + i) % VARIANTS.length]!;
      results[name].push(await round(gateways[name], headers, [w.body], SECONDS * 1000));
    }
  }
  const summary = (rs: (LoadResult & { cpuMsPerRequest: number })[]) => ({
    rps: median(rs.map((x) => x.rps)),
    p50: median(rs.map((x) => x.p50)),
    p95: median(rs.map((x) => x.p95)),
    cpu: median(rs.map((x) => x.cpuMsPerRequest)),
    errors: rs.reduce((n, x) => n + x.errors, 0),
  });
  // Ratios are paired by round (each gateway against the plain one measured in the same
  // round, a few seconds apart) and the median taken: the machine's speed drifts over a
  // run, and a pair sees the same drift. The ratio of the overall medians is printed too.
  const paired = (variant: Variant, of: (x: LoadResult & { cpuMsPerRequest: number }) => number) =>
    median(results[variant].map((x, r) => of(x) / of(results.plain[r]!)));
  const o = summary(results.ours);
  const p = summary(results.plain);
  const c = summary(results.control);
  const ratio = paired('ours', (x) => x.p50);
  const cpuRatio = paired('ours', (x) => x.cpuMsPerRequest);
  const line = `| ${w.name} | ${p.rps.toFixed(0)} | ${p.p50.toFixed(2)} / ${p.p95.toFixed(2)} | ${p.cpu.toFixed(3)} | ${o.rps.toFixed(0)} | ${o.p50.toFixed(2)} / ${o.p95.toFixed(2)} | ${o.cpu.toFixed(3)} | **${ratio.toFixed(2)}×** (target ≤ ${w.target}×) ${ratio <= w.target ? '✓' : '✗'} | ${(o.p50 / p.p50).toFixed(2)}× | ${cpuRatio.toFixed(2)}× | ${paired('control', (x) => x.p50).toFixed(2)}× / ${paired('control', (x) => x.cpuMsPerRequest).toFixed(2)}× | ${o.errors + p.errors + c.errors} |`;
  rows.push(line);
  console.log(line);
}

// Memory: 100,000 requests spread over 1,000 distinct documents must not grow the heap without bound.
const documents = Array.from({ length: 1000 }, (_v, i) => JSON.stringify({ query: `{ q${i}: people(count: 2) { id email phone } }` }));
const memHeaders = { 'content-type': 'application/json', authorization: `Bearer ${ownerToken}` };
await round(ours, memHeaders, documents, 60_000, 10_000);
const before = await ours.ask<GatewayMemory>('memory-after-gc');
const quarter = await round(ours, memHeaders, documents, 600_000, MEMORY_REQUESTS / 4);
const middle = await ours.ask<GatewayMemory>('memory-after-gc');
const rest = await round(ours, memHeaders, documents, 600_000, (MEMORY_REQUESTS * 3) / 4);
const after = await ours.ask<GatewayMemory>('memory-after-gc');
const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
const memoryLine = `After warm-up (10,000 requests) heap ${mb(before.heapUsed)} MB, RSS ${mb(before.rss)} MB; after ${quarter.requests.toLocaleString('en')} more: heap ${mb(middle.heapUsed)} MB, RSS ${mb(middle.rss)} MB; after ${(quarter.requests + rest.requests).toLocaleString('en')} in all with 1,000 distinct documents: heap ${mb(after.heapUsed)} MB, RSS ${mb(after.rss)} MB (errors: ${quarter.errors + rest.errors}; heap after a forced GC).`;
console.log(memoryLine);

for (const g of Object.values(gateways)) await g.stop();
await people.close();

const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
const section = `<!-- bench:pii -->
## PII layer cost (\`npm run bench:pii\`)

${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${os.cpus().length} × ${cpu}, ${mb(os.totalmem())} MB RAM.
This project's gateway with the PII layer on and off, each in its own process (production mode, JWT,
limits, in-flight fetch sharing as deployed), plus a second plain gateway as a control (the ratio two
identical gateways show in the same run is the noise floor), over the same in-memory subgraph in the
bench's process; load from another process, ${CONNECTIONS} connections, ${ROUNDS} interleaved rounds (the order
rotating) of ${SECONDS} s each after 2 s of warm-up. Latency in ms, medians of the rounds; CPU is the gateway process's
user + system time per request. Ratios are the median of the per-round ratios (each gateway against the plain one of
the same round, so both see the machine's drift alike); "ratio of medians" divides the two p50 columns instead.

| workload | plain req/s | plain p50 / p95 | plain CPU ms/req | PII layer req/s | PII layer p50 / p95 | PII layer CPU ms/req | p50 ratio | p50 ratio of medians | CPU ratio | control: plain again, p50 / CPU ratio | errors |
| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |
${rows.join('\n')}

One run's ratios vary by ±5–10% on a shared 2-core machine; PERFORMANCE.md says how much to trust one run.

Memory of the PII gateway's process: ${memoryLine}
<!-- /bench:pii -->`;
const file = fileURLToPath(new URL('../docs/BENCHMARKS.md', import.meta.url));
const existing = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
const updated = existing.includes('<!-- bench:pii -->')
  ? existing.replace(/<!-- bench:pii -->[\s\S]*<!-- \/bench:pii -->/, () => section)
  : `${existing.trimEnd()}\n\n${section}\n`;
writeFileSync(file, updated);
console.log('Wrote docs/BENCHMARKS.md');
process.exit(0);
