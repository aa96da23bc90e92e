export * from './errors.js';
export * from './guard.js';
export * from './http.js';
// Domain errors and pagination live in @membership/domain (no server there); re-exported for resolvers.
export * from '@membership/domain';
export * from './server.js';
export * from './loader.js';
export * from './scalars.js';
export * from './module.js';
export { runStandalone } from './standalone.js';
