import { baseEnvShape, createLogger, parseEnv, z } from '@membership/config';
import { openDatabase } from '@membership/db';
import { EventBus, eventsMigrationsFolder } from '@membership/events';
import { JobScheduler, jobsMigrationsFolder, loadJobsEnv, schedulerSettings, type JobDefinition } from '@membership/jobs';
import type { SubgraphModule, SubgraphModuleOptions } from './module.js';
import { startSubgraphServer } from './server.js';

/**
 * Runs one subgraph in its own process: migrate its schema, run its event relay and
 * queue and its scheduled jobs, serve HTTP. This is how docker-compose runs each server
 * against Postgres; with several replicas, each job still runs once per slot.
 */
export async function runStandalone(
  create: (options: SubgraphModuleOptions) => SubgraphModule,
  extras: { jobs?: (options: SubgraphModuleOptions) => JobDefinition[] } = {},
): Promise<void> {
  const env = parseEnv({
    ...baseEnvShape,
    // Off where the process connects as its subgraph's role, which may not change tables: `npm run migrate` did it.
    MIGRATE_ON_START: z.enum(['true', 'false']).default('true'),
  });
  const jobsEnv = loadJobsEnv();
  const database = await openDatabase({ url: env.DATABASE_URL, pgliteDir: env.PGLITE_DIR });
  const logger = createLogger('subgraph', env.LOG_LEVEL);
  const module = create({ database, logger });
  if (env.MIGRATE_ON_START === 'true') {
    await database.migrate(eventsMigrationsFolder, 'events');
    await database.migrate(jobsMigrationsFolder, 'jobs');
    await database.migrate(module.migrationsFolder, module.name);
  }
  const bus = new EventBus(database.db, { logger });
  if (module.producer) bus.addProducer(module.name, module.producer);
  if (module.consumer) bus.addConsumer(module.consumer);
  await bus.subscribeAll();
  bus.start();
  const server = await startSubgraphServer(module.definition, {
    port: module.port,
    host: module.host,
    trustedKeys: module.trustedKeys,
    logger,
  });
  const jobs = new JobScheduler(database.db, [...(module.jobs ?? []), ...(extras.jobs?.({ database, logger }) ?? [])], {
    logger,
    ...schedulerSettings(jobsEnv),
  });
  if (jobsEnv.JOBS_ENABLED) jobs.start();
  const shutdown = async () => {
    await server.close();
    await jobs.stop();
    await bus.stop();
    await database.close();
    process.exit(0);
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}
