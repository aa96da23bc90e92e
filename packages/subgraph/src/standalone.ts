import { baseEnvShape, createLogger, parseEnv } from '@membership/config';
import { openDatabase } from '@membership/db';
import { EventBus, eventsMigrationsFolder } from '@membership/events';
import type { SubgraphModule, SubgraphModuleOptions } from './module.js';
import { startSubgraphServer } from './server.js';

/**
 * Runs one subgraph in its own process: migrate its schema, run its event relay and
 * queue, serve HTTP. This is how docker-compose runs each server against Postgres.
 */
export async function runStandalone(create: (options: SubgraphModuleOptions) => SubgraphModule): Promise<void> {
  const env = parseEnv(baseEnvShape);
  const database = await openDatabase({ url: env.DATABASE_URL, pgliteDir: env.PGLITE_DIR });
  const logger = createLogger('subgraph', env.LOG_LEVEL);
  const module = create({ database, logger });
  await database.migrate(eventsMigrationsFolder, 'events');
  await database.migrate(module.migrationsFolder, module.name);
  const bus = new EventBus(database.db, { logger });
  if (module.producer) bus.addProducer(module.name, module.producer);
  if (module.consumer) bus.addConsumer(module.consumer);
  await bus.subscribeAll();
  bus.start();
  const server = await startSubgraphServer(module.definition, {
    port: module.port,
    host: module.host,
    signingSecret: module.signingSecret,
    logger,
  });
  const shutdown = async () => {
    await server.close();
    await bus.stop();
    await database.close();
    process.exit(0);
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}
