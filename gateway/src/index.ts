export { startGateway, type GatewayOptions } from './server.js';
export { loadGatewayEnv, subgraphUrlOverrides, type GatewayEnv } from './env.js';
export { loadManifests, manifestProblems, type Manifest } from './operations/persisted.js';
