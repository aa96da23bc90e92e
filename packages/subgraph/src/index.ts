export * from './errors.js';
export * from './guard.js';
export * from './http.js';
export * from './pagination.js';
export * from './server.js';
export * from './loader.js';
export * from './scalars.js';
export * from './module.js';
export { runStandalone } from './standalone.js';
