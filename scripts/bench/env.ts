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
