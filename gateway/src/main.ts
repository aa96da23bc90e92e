/**
 * Runs the gateway alone, against subgraphs wherever the supergraph (or <NAME>_URL) says.
 * With GATEWAY_WORKERS > 1 it forks that many workers sharing the port (node:cluster);
 * they share nothing but configuration.
 */
import cluster from 'node:cluster';
import { createLogger } from '@membership/config';
import { loadGatewayEnv, subgraphUrlOverrides } from './env.js';
import { startGateway } from './server.js';

const env = loadGatewayEnv();
const logger = createLogger('gateway', env.LOG_LEVEL);

if (env.GATEWAY_WORKERS > 1 && cluster.isPrimary) {
  for (let i = 0; i < env.GATEWAY_WORKERS; i++) cluster.fork();
  cluster.on('exit', (worker, code) => {
    logger.warn('gateway worker exited; starting another', { pid: worker.process.pid, code });
    cluster.fork();
  });
  logger.info('gateway primary started', { workers: env.GATEWAY_WORKERS });
} else {
  const gateway = await startGateway({ env, logger, subgraphUrls: subgraphUrlOverrides() });
  const stop = async () => {
    await gateway.close();
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
