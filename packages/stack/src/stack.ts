import type { Logger } from '@membership/config';
import { type Database, sql } from '@membership/db';
import { EventBus, eventsMigrationsFolder } from '@membership/events';
import { JobScheduler, jobsMigrationsFolder, loadJobsEnv, schedulerSettings } from '@membership/jobs';
import { startGateway, loadGatewayEnv } from '@membership/gateway';
import { startSubgraphServer, type RunningServer, type SubgraphModule } from '@membership/subgraph';
import { SUBGRAPH_FACTORIES, SUBGRAPH_JOBS, demoSeed } from './modules.js';
import { processEnvironment } from './env.js';

export interface StackOptions {
  database: Database;
  logger: Logger;
  /** Environment for every server's settings (secrets, limits). */
  env?: Record<string, string | undefined>;
  /** `fixed`: each server's configured port; `random`: any free port (tests). */
  ports?: 'fixed' | 'random';
  /** When to load the demo data. */
  seed?: 'if-empty' | 'reset' | 'never';
  /** Run the event relays and queues on a timer; tests drain them by hand instead. */
  pollEvents?: boolean;
  /**
   * Run the subgraphs' scheduled jobs on their schedule (unless JOBS_ENABLED=false);
   * tests leave it off and call `stack.jobs.tick(now)` instead.
   */
  runJobs?: boolean;
  now?: () => Date;
}

export interface Stack {
  gatewayUrl: string;
  subgraphs: Record<string, RunningServer>;
  modules: SubgraphModule[];
  bus: EventBus;
  /** Every subgraph's scheduled jobs; `tick(now)` runs those due, whether or not they run on a timer. */
  jobs: JobScheduler;
  /** Runs event relays and queues until nothing is left to do. */
  drainEvents(): Promise<void>;
  stop(): Promise<void>;
}

const OWNED_SCHEMAS = ['identity', 'tiers', 'points', 'orders', 'moderation', 'events', 'jobs'];

/** Applies the broker's, the scheduler's and every subgraph's committed migrations. */
export async function migrateAll(database: Database, modules: SubgraphModule[]): Promise<void> {
  await database.migrate(eventsMigrationsFolder, 'events');
  await database.migrate(jobsMigrationsFolder, 'jobs');
  for (const m of modules) await database.migrate(m.migrationsFolder, m.name);
}

/** Empties every table the platform owns (reference data comes back with the seed). */
export async function truncateAll(database: Database): Promise<void> {
  const tables = await database.rows<{ schema: string; name: string }>(
    sql`select table_schema as schema, table_name as name from information_schema.tables
        where table_schema in (${sql.join(
          OWNED_SCHEMAS.map((s) => sql`${s}`),
          sql`, `,
        )}) and table_type = 'BASE TABLE'`,
  );
  const keep = new Set(['events.subscriptions', 'tiers.tiers', 'tiers.rule_versions', 'tiers.tier_requirements', 'tiers.tier_benefits']);
  const names = tables.filter((t) => !keep.has(`${t.schema}.${t.name}`)).map((t) => `"${t.schema}"."${t.name}"`);
  if (names.length > 0) await database.rows(sql.raw(`truncate ${names.join(', ')} cascade`));
}

async function isEmpty(database: Database): Promise<boolean> {
  const [row] = await database.rows<{ n: number | string }>(sql`select count(*) as n from identity.members`);
  return Number(row?.n ?? 0) === 0;
}

/**
 * Builds every subgraph module over `database`, applies migrations, registers event
 * subscriptions and loads the demo data when asked. `npm run seed` stops here.
 */
export async function prepareDatabase(options: Omit<StackOptions, 'ports' | 'pollEvents' | 'runJobs'>) {
  const { database, logger } = options;
  const env = options.env ?? processEnvironment();
  // Filled in by startStack once the servers listen: what a module calling another finds it by.
  const serverUrls: Record<string, string> = {};
  const moduleOptions = { database, env, logger, now: options.now, serverUrls };
  const modules = SUBGRAPH_FACTORIES.map((create) => create(moduleOptions));
  await migrateAll(database, modules);

  const bus = new EventBus(database.db, { logger, now: options.now });
  for (const m of modules) {
    if (m.producer) bus.addProducer(m.name, m.producer);
    if (m.consumer) bus.addConsumer(m.consumer);
  }
  await bus.subscribeAll();

  const seed = options.seed ?? 'if-empty';
  if (seed === 'reset' || (seed === 'if-empty' && (await isEmpty(database)))) {
    if (seed === 'reset') await truncateAll(database);
    await demoSeed.members(moduleOptions);
    await bus.drain();
    await demoSeed.extras(database, options.now?.() ?? new Date());
    await bus.drain();
    logger.info('demo data loaded');
  }
  return { modules, bus, env, serverUrls };
}

/**
 * Migrates, optionally seeds, and starts every subgraph and the gateway in this process,
 * sharing one database. `npm start` and the behaviour tests both run through here.
 */
export async function startStack(options: StackOptions): Promise<Stack> {
  const { logger } = options;
  const { modules, bus, env, serverUrls } = await prepareDatabase(options);
  // Read before any server starts: a bad JOB_SCHEDULE stops start-up with nothing left listening.
  const jobsEnv = loadJobsEnv(env);
  const random = options.ports === 'random';
  const subgraphs: Record<string, RunningServer> = {};
  for (const m of modules) {
    subgraphs[m.name] = await startSubgraphServer(m.definition, {
      port: random ? 0 : m.port,
      host: m.host,
      trustedKeys: m.trustedKeys,
      logger,
    });
  }
  const subgraphUrls = Object.fromEntries(Object.entries(subgraphs).map(([name, s]) => [name, s.url]));
  Object.assign(serverUrls, subgraphUrls);
  const gatewayEnv = loadGatewayEnv(random ? { ...env, PORT: '0' } : env);
  const gateway = await startGateway({ env: gatewayEnv, logger, subgraphUrls });
  if (options.pollEvents) bus.start();

  const moduleOptions = { database: options.database, env, logger, now: options.now };
  const jobs = new JobScheduler(
    options.database.db,
    modules.flatMap((m) => [...(m.jobs ?? []), ...(SUBGRAPH_JOBS[m.name]?.({ ...moduleOptions, subgraphUrls }) ?? [])]),
    { logger, now: options.now, ...schedulerSettings(jobsEnv) },
  );
  if (options.runJobs && jobsEnv.JOBS_ENABLED) jobs.start();

  return {
    gatewayUrl: gateway.url,
    subgraphs,
    modules,
    bus,
    jobs,
    drainEvents: () => bus.drain(),
    async stop() {
      await jobs.stop();
      await bus.stop();
      await gateway.close();
      for (const s of Object.values(subgraphs)) await s.close();
    },
  };
}
