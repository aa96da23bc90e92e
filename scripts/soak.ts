/**
 * npm run soak — the whole platform in one process (PGlite in memory, or DATABASE_URL)
 * under a steady member-dashboard load from a separate process for SOAK_MINUTES (10):
 * errors must be 0 and the process's RSS at the end within 10% of the minute-2 figure.
 * Appends the result to docs/BENCHMARKS.md.
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import { createLogger } from '@membership/config';
import { openDatabase } from '@membership/db';
import { DEMO_MEMBERS, startStack } from '@membership/stack';
import { TEST_ENV } from '@membership/testing';
import { issueAccessToken } from '@membership/viewer';

const MINUTES = Number(process.env.SOAK_MINUTES ?? 10);
const env = { ...TEST_ENV, LOG_LEVEL: 'error' };
const database = await openDatabase(process.env.DATABASE_URL ? { url: process.env.DATABASE_URL } : {});
const stack = await startStack({ database, logger: createLogger('soak', 'error'), env, ports: 'random', seed: 'reset', pollEvents: true });
const tokens = await Promise.all(DEMO_MEMBERS.map(async (m) => (await issueAccessToken({ sub: m.id, kind: 'member' }, env.JWT_SECRET, { ttlSeconds: 24 * 3600 })).token));
const body = JSON.stringify({
  query: '{ me { id displayName email tier { name } pointsBalance orders(first: 5) { edges { node { id total { amount currency } } } } standing { status } } }',
});

const samples: { minute: number; rss: number; heap: number }[] = [];
const started = Date.now();
const sampler = setInterval(() => {
  const m = process.memoryUsage();
  samples.push({ minute: (Date.now() - started) / 60_000, rss: m.rss, heap: m.heapUsed });
}, 10_000);

const result = await new Promise<{ requests: number; errors: number; wrongAnswers?: number; rps: number; p50: number; p95: number; p99: number }>((resolve, reject) => {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      fileURLToPath(new URL('./bench/load.ts', import.meta.url)),
      JSON.stringify({
        url: stack.gatewayUrl,
        headers: { 'content-type': 'application/json' },
        bodies: [body],
        headerSets: tokens.map((t) => ({ authorization: `Bearer ${t}` })),
        expects: DEMO_MEMBERS.map((m) => m.id),
        connections: 10,
        durationMs: MINUTES * 60_000,
        strict: true,
      }),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`load generator exited ${code}`))));
});
clearInterval(sampler);
await stack.stop();
await database.close();

const at = (minute: number) => samples.reduce((best, s) => (Math.abs(s.minute - minute) < Math.abs(best.minute - minute) ? s : best), samples[0]!);
const mb = (n: number) => (n / 1024 / 1024).toFixed(0);
const two = at(Math.min(2, MINUTES / 5));
const end = samples.at(-1)!;
const growth = end.rss / two.rss - 1;
const ok = result.errors === 0 && growth <= 0.1;
const line = `${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${os.cpus().length} cores, ${process.env.DATABASE_URL ? 'Postgres' : 'PGlite in memory'}: ${MINUTES} min of member dashboards (10 clients, 4 members) — ${result.requests.toLocaleString('en')} requests, ${result.rps.toFixed(0)} req/s, p50 ${result.p50.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms, errors ${result.errors}; RSS at minute ${two.minute.toFixed(1)} ${mb(two.rss)} MB, at the end ${mb(end.rss)} MB (${(growth * 100).toFixed(1)}%), heap ${mb(two.heap)} → ${mb(end.heap)} MB. ${ok ? 'Within target ✓' : 'Outside target ✗'}`;
console.log(line);
const file = fileURLToPath(new URL('../docs/BENCHMARKS.md', import.meta.url));
const doc = readFileSync(file, 'utf8');
const section = `<!-- soak -->\n## Soak (\`npm run soak\`)\n\nThe whole platform in one process (gateway, five subgraphs, database), RSS sampled every 10 s;\ntarget: no errors and the end within 10% of the minute-2 figure.\n\n${line}\n<!-- /soak -->`;
writeFileSync(file, doc.includes('<!-- soak -->') ? doc.replace(/<!-- soak -->[\s\S]*<!-- \/soak -->/, section) : `${doc.trimEnd()}\n\n${section}\n`);
process.exit(ok ? 0 : 1);
