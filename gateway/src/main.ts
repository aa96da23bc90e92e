/** Runs the gateway alone, against subgraphs wherever the supergraph (or <NAME>_URL) says. */
import { createLogger } from '@membership/config';
import { loadGatewayEnv, subgraphUrlOverrides } from './env.js';
import { startGateway } from './server.js';

const env = loadGatewayEnv();
const gateway = await startGateway({ env, logger: createLogger('gateway', env.LOG_LEVEL), subgraphUrls: subgraphUrlOverrides() });
const stop = async () => {
  await gateway.close();
  process.exit(0);
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
