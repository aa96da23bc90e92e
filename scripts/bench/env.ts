import { baseEnvShape, parseEnv, z } from '@membership/config';

const list = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((s) =>
      s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean),
    );

const shape = {
  ...baseEnvShape,
  /** Measured seconds per run (one gateway, one workload, one concurrency). */
  BENCH_SECONDS: z.coerce.number().positive().default(5),
  /** Interleaved rounds: each round runs every gateway once per workload and concurrency. */
  BENCH_ROUNDS: z.coerce.number().int().min(1).default(3),
  /** Warm-up seconds per gateway and workload, at the highest concurrency, not measured. */
  BENCH_WARMUP_SECONDS: z.coerce.number().min(0).default(3),
  BENCH_CONCURRENCY: list('1,10,50').transform((xs) => xs.map(Number)),
  /** Which gateways: ours, apollo, hive, and candidate (needs BENCH_CANDIDATE). */
  BENCH_GATEWAYS: list('ours,apollo,hive'),
  /** Which workloads: a (dashboard), b (staff list), c (deep nested). */
  BENCH_WORKLOADS: list('a,b,c'),
  BENCH_MEMBERS: z.coerce.number().int().min(100).default(10_000),
  /** Write the tables and the chart into docs/ (off for a quick look). */
  BENCH_WRITE_DOCS: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  /**
   * Entry file (src/index.ts) of another copy of the gateway, run as `candidate`: measure a
   * speed change against the current code in the same run. Its node_modules must resolve.
   */
  BENCH_CANDIDATE: z.string().optional(),
  /** Write a V8 CPU profile of each gateway process to this folder. */
  BENCH_CPU_PROFILE_DIR: z.string().optional(),
};

/** The bench's settings, from BENCH_* variables; DATABASE_URL picks Postgres over PGlite. */
export const loadBenchEnv = () => parseEnv(shape, { ...process.env, NODE_ENV: 'test' });

/** bench:pii's settings (scripts/bench-pii.ts). */
export const loadBenchPiiEnv = () =>
  parseEnv({
    /** Measured seconds per run (one gateway, one workload). */
    BENCH_SECONDS: z.coerce.number().positive().default(4),
    /** Interleaved rounds: each round runs every gateway once per workload. */
    BENCH_ROUNDS: z.coerce.number().int().min(1).default(10),
    BENCH_CONNECTIONS: z.coerce.number().int().min(1).default(10),
    /** Requests sent to the PII gateway while its memory is watched. */
    BENCH_MEMORY_REQUESTS: z.coerce.number().int().min(4).default(100_000),
  });

/** bench:pii:pass's settings (scripts/bench-pii-pass.ts). */
export const loadBenchPiiPassEnv = () =>
  parseEnv({
    /** Requests per round. */
    BENCH_REQUESTS: z.coerce.number().int().min(1).default(4000),
    /** Run only the workloads whose name starts with this. */
    BENCH_ONLY: z.string().optional(),
  });

/** soak's settings (scripts/soak.ts); DATABASE_URL picks Postgres over PGlite. */
export const loadSoakEnv = () =>
  parseEnv({
    SOAK_MINUTES: z.coerce.number().positive().default(10),
    DATABASE_URL: baseEnvShape.DATABASE_URL,
  });

/** The Hive gateway's bench switches (scripts/bench/gateway-hive.ts, in the gateway's process). */
export const loadHiveBenchEnv = () =>
  parseEnv({
    /** `onfetch`: add the signed viewer in an `onFetch` plugin instead of propagated headers. */
    BENCH_HIVE_HEADERS: z.enum(['propagate', 'onfetch']).default('propagate'),
    BENCH_HIVE_UNMASKED_ERRORS: z
      .enum(['true', 'false'])
      .default('false')
      .transform((v) => v === 'true'),
  });

/** bench:points's settings (scripts/bench-points.ts); DATABASE_URL is the Postgres server it makes scratch databases on. */
export const loadBenchPointsEnv = () =>
  parseEnv({
    DATABASE_URL: z.string().default('postgres://postgres@127.0.0.1:5432/postgres'),
    BENCH_MEMBERS: z.coerce.number().int().min(1).default(100_000),
    BENCH_LOTS_PER_MEMBER: z.coerce.number().int().min(1).default(10),
    /** Rounds of 200 concurrent redemptions over 20 members through the gateway. */
    BENCH_ROUNDS: z.coerce.number().int().min(1).default(5),
    BENCH_WRITE_DOCS: z
      .enum(['true', 'false'])
      .default('true')
      .transform((v) => v === 'true'),
  });

/** bench:orders's settings (scripts/bench-orders.ts); DATABASE_URL picks Postgres (a scratch database next to it). */
export const loadBenchOrdersEnv = () =>
  parseEnv(
    {
      ...baseEnvShape,
      /** Orders placed and paid through the gateway. */
      BENCH_ORDERS: z.coerce.number().int().min(1).default(10_000),
      /** Clients placing and paying at once. */
      BENCH_CONCURRENCY: z.coerce.number().int().min(1).default(16),
      /** Members the orders are spread over (registered through identity first). */
      BENCH_ORDER_MEMBERS: z.coerce.number().int().min(1).default(100),
      BENCH_WRITE_DOCS: z
        .enum(['true', 'false'])
        .default('true')
        .transform((v) => v === 'true'),
    },
    { ...process.env, NODE_ENV: 'test' },
  );

/** bench:tiers's settings (scripts/bench-tiers.ts): a Postgres server to make a scratch database on. */
export const loadBenchTiersEnv = () =>
  parseEnv(
    {
      ...baseEnvShape,
      /** Members to re-evaluate. */
      BENCH_TIERS_MEMBERS: z.coerce.number().int().min(1_000).default(1_000_000),
      /** Write the table into docs/BENCHMARKS.md. */
      BENCH_WRITE_DOCS: z
        .enum(['true', 'false'])
        .default('true')
        .transform((v) => v === 'true'),
    },
    { ...process.env, NODE_ENV: 'test' },
  );
