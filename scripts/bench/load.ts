/**
 * A tiny closed-loop HTTP load generator, run as its own process so it does not share
 * the gateway's event loop: `tsx load.ts <json config>` prints one JSON line of results.
 * Every latency is kept, so percentiles are exact.
 */
import { performance } from 'node:perf_hooks';

interface LoadConfig {
  url: string;
  headers: Record<string, string>;
  /** Request bodies, used round-robin (distinct documents for cache tests). */
  bodies: string[];
  connections: number;
  /** Stop after this many ms, or this many requests, whichever first. */
  durationMs: number;
  maxRequests?: number;
}

const config = JSON.parse(process.argv[2] ?? '{}') as LoadConfig;
const latencies: number[] = [];
let errors = 0;
let next = 0;
const deadline = performance.now() + config.durationMs;

async function worker() {
  while (performance.now() < deadline && (config.maxRequests === undefined || next < config.maxRequests)) {
    const body = config.bodies[next++ % config.bodies.length]!;
    const started = performance.now();
    try {
      const response = await fetch(config.url, { method: 'POST', headers: config.headers, body });
      const text = await response.text();
      if (!response.ok || text.includes('"INTERNAL_SERVER_ERROR"')) errors++;
    } catch {
      errors++;
    }
    latencies.push(performance.now() - started);
  }
}

const started = performance.now();
await Promise.all(Array.from({ length: config.connections }, worker));
const elapsed = (performance.now() - started) / 1000;
latencies.sort((a, b) => a - b);
const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? 0;
process.stdout.write(
  JSON.stringify({ requests: latencies.length, errors, rps: latencies.length / elapsed, p50: pct(50), p95: pct(95), p99: pct(99) }) + '\n',
);
