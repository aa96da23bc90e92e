/**
 * A tiny closed-loop HTTP load generator, run as its own process so it does not share
 * the gateway's event loop: `tsx load.ts <json config>` prints one JSON line of results.
 * Every latency is kept, so percentiles are exact.
 */
import { performance } from 'node:perf_hooks';

export interface LoadConfig {
  url: string;
  headers: Record<string, string>;
  /** Request bodies, used round-robin (distinct documents for cache tests). */
  bodies: string[];
  /** Extra headers per request, used round-robin alongside `bodies` (one caller each). */
  headerSets?: Record<string, string>[];
  /**
   * Text the response to request i must contain, round-robin like `headerSets` (e.g. the
   * caller's own member id); a response without it is a wrong answer, counted as an error.
   */
  expects?: string[];
  connections: number;
  /** Stop after this many ms, or this many requests, whichever first. */
  durationMs: number;
  maxRequests?: number;
  /** Count a response with any GraphQL error as failed, not only 5xx and internal errors. */
  strict?: boolean;
}

/** What the load generator prints when done. */
export interface LoadResult {
  requests: number;
  errors: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  wrongAnswers: number;
  firstError?: string;
}

const config = JSON.parse(process.argv[2] ?? '{}') as LoadConfig;
const latencies: number[] = [];
let errors = 0;
/** Answers meant for someone else (see `expects`); also counted in `errors`. */
let wrongAnswers = 0;
/** The first failed response, cut short, so a bench can say what went wrong. */
let firstError: string | undefined;
let next = 0;
const deadline = performance.now() + config.durationMs;

async function worker() {
  while (performance.now() < deadline && (config.maxRequests === undefined || next < config.maxRequests)) {
    const i = next++;
    const body = config.bodies[i % config.bodies.length]!;
    const headers = config.headerSets ? { ...config.headers, ...config.headerSets[i % config.headerSets.length] } : config.headers;
    const started = performance.now();
    try {
      const response = await fetch(config.url, { method: 'POST', headers, body });
      const text = await response.text();
      if (!response.ok || text.includes('"INTERNAL_SERVER_ERROR"') || (config.strict && text.includes('"errors":'))) {
        errors++;
        firstError ??= `${response.status} ${text.slice(0, 500)}`;
      } else if (config.expects && !text.includes(config.expects[i % config.expects.length]!)) {
        errors++;
        wrongAnswers++;
        firstError ??= `wrong answer: expected ${config.expects[i % config.expects.length]} in ${text.slice(0, 300)}`;
      }
    } catch (error) {
      errors++;
      firstError ??= String(error);
    }
    latencies.push(performance.now() - started);
  }
}

const started = performance.now();
await Promise.all(Array.from({ length: config.connections }, worker));
const elapsed = (performance.now() - started) / 1000;
latencies.sort((a, b) => a - b);
const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? 0;
const result: LoadResult = {
  requests: latencies.length,
  errors,
  rps: latencies.length / elapsed,
  p50: pct(50),
  p95: pct(95),
  p99: pct(99),
  wrongAnswers,
  firstError,
};
process.stdout.write(JSON.stringify(result) + '\n');
