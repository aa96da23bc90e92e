/**
 * npm run soak — the gateway's memory under a steady load. This project's gateway, fully
 * on (JWT, PII rules and masking, access log to identity, limits), runs in its own process
 * (bench/gateway-process.ts); the five subgraphs run in this one, on a scratch Postgres
 * database next to DATABASE_URL (dropped at the end) or else in-memory PGlite, seeded with
 * the demo members; a third process sends member dashboards (the bench's workload (a)) as
 * the four demo members from 10 clients for SOAK_MINUTES (10).
 *
 * Every 10 s it samples the gateway process's RSS and V8 heap, and this process's RSS for
 * information. Passes when no request failed or got another member's answer and the
 * gateway's RSS at the end is within 10% of its minute-2 figure. Writes the result into
 * docs/BENCHMARKS.md between the soak markers.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { createLogger } from '@membership/config';
import { DEMO_MEMBER_IDS, prepareDatabase } from '@membership/stack';
import { TEST_ENV } from '@membership/testing';
import { loadSoakEnv } from './bench/env.js';
import { runLoad, startGatewayProcess, type GatewayMemory } from './bench/processes.js';
import { openBenchDatabase, startSubgraphs } from './bench/subgraphs.js';
import { buildWorkloads } from './bench/workloads.js';

const settings = loadSoakEnv();
const MINUTES = settings.SOAK_MINUTES;
const env = { ...TEST_ENV, LOG_LEVEL: 'error' };
const logger = createLogger('soak', 'error');
const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);
const say = (line: string) => process.stdout.write(`${line}\n`);

// ---- subgraphs here, the gateway in its own process ----------------------------------------
const db = await openBenchDatabase(settings.DATABASE_URL, 'membership_soak');
const { modules, bus } = await prepareDatabase({ database: db.database, logger, env, seed: 'reset' });
bus.start();
const subgraphs = await startSubgraphs(modules, { logger });
const gateway = await startGatewayProcess({
  kind: 'ours',
  supergraphSdl: subgraphs.supergraphSdl,
  subgraphUrls: subgraphs.urls,
  jwtSecret: env.JWT_SECRET,
  signingKey: env.GATEWAY_SIGNING_KEY,
});
const dashboard = (await buildWorkloads({ jwtSecret: env.JWT_SECRET, dashboardMembers: DEMO_MEMBER_IDS, database: db.database })).find(
  (w) => w.key === 'a',
)!;
const databaseName = db.database.kind === 'postgres' ? 'Postgres (scratch database)' : 'PGlite in memory (in the subgraphs’ process)';

interface Sample {
  minute: number;
  gateway: GatewayMemory;
  subgraphsRss: number;
}
const samples: Sample[] = [];
let result: Awaited<ReturnType<typeof runLoad>>;
const loadAtStart = os.loadavg()[0]!.toFixed(2);
try {
  // One request first, so a broken setup fails now rather than after ten minutes.
  const probe = await fetch(gateway.url, {
    method: 'POST',
    headers: { ...dashboard.headers, ...dashboard.callers.ours[0] },
    body: dashboard.body,
  });
  const answer = await probe.text();
  if (!probe.ok || answer.includes('"errors"') || !answer.includes(dashboard.expects![0]!))
    throw new Error(`the dashboard came back wrong: ${answer.slice(0, 1000)}`);

  say(`Soaking ${MINUTES} min on ${databaseName}; gateway pid ${gateway.child.pid}, subgraphs pid ${process.pid}.`);
  const started = Date.now();
  const sampler = setInterval(async () => {
    const s = {
      minute: (Date.now() - started) / 60_000,
      gateway: await gateway.ask<GatewayMemory>('memory'),
      subgraphsRss: process.memoryUsage.rss(),
    };
    samples.push(s);
    if (samples.length % 6 === 0) {
      say(
        `minute ${s.minute.toFixed(1)}: gateway RSS ${mb(s.gateway.rss)} MB, heap ${mb(s.gateway.heapUsed)} MB; subgraphs' process RSS ${mb(s.subgraphsRss)} MB`,
      );
    }
  }, 10_000);
  result = await runLoad({
    url: gateway.url,
    headers: dashboard.headers,
    headerSets: dashboard.callers.ours,
    expects: dashboard.expects,
    bodies: [dashboard.body],
    connections: 10,
    durationMs: MINUTES * 60_000,
    strict: true,
  });
  clearInterval(sampler);
} finally {
  await gateway.stop();
  await bus.stop();
  await subgraphs.close();
  await db.close();
}

// ---- result ----------------------------------------------------------------------------------
const at = (minute: number) => samples.reduce((best, s) => (Math.abs(s.minute - minute) < Math.abs(best.minute - minute) ? s : best));
const two = at(Math.min(2, MINUTES / 5));
const end = samples.at(-1)!;
const growth = end.gateway.rss / two.gateway.rss - 1;
const ok = result.errors === 0 && growth <= 0.1;
const line =
  `${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${os.cpus().length} cores, ${databaseName}: ` +
  `${MINUTES} min of member dashboards (bench workload (a), 10 clients, the ${DEMO_MEMBER_IDS.length} demo members) — ` +
  `${result.requests.toLocaleString('en')} requests, ${result.rps.toFixed(0)} req/s, p50 ${result.p50.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms, ` +
  `errors ${result.errors} (wrong answers ${result.wrongAnswers}). ` +
  `**Gateway process** RSS at minute ${two.minute.toFixed(1)} ${mb(two.gateway.rss)} MB, at the end ${mb(end.gateway.rss)} MB ` +
  `(${growth >= 0 ? '+' : ''}${(growth * 100).toFixed(1)}%), peak ${mb(Math.max(...samples.map((s) => s.gateway.peak)))} MB; ` +
  `heap in use ${mb(two.gateway.heapUsed)} → ${mb(end.gateway.heapUsed)} MB. ` +
  `Subgraphs’ process RSS (for information) ${mb(two.subgraphsRss)} → ${mb(end.subgraphsRss)} MB. ` +
  `Load average (1 min) ${loadAtStart} at start, ${os.loadavg()[0]!.toFixed(2)} at the end. ${ok ? 'Within target ✓' : 'Outside target ✗'}` +
  (result.firstError ? `\nFirst error: \`${result.firstError.slice(0, 300)}\`` : '');
say(line);

const section = `<!-- soak -->
## Soak (\`npm run soak\`)

This project's gateway, fully on (JWT, PII rules and masking, access log to identity, limits), in its own
process; the five subgraphs and the database client (or PGlite) in the soak's process; the load from a third.
The gateway process's RSS and V8 heap are sampled every 10 s. Target: no errors and the gateway's RSS at the end
within 10% of its minute-2 figure. The subgraphs' process RSS is given for information only.

${line}
<!-- /soak -->`;
const file = fileURLToPath(new URL('../docs/BENCHMARKS.md', import.meta.url));
const doc = readFileSync(file, 'utf8');
writeFileSync(
  file,
  doc.includes('<!-- soak -->') ? doc.replace(/<!-- soak -->[\s\S]*<!-- \/soak -->/, () => section) : `${doc.trimEnd()}\n\n${section}\n`,
);
process.exit(ok ? 0 : 1);
