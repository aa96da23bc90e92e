export { operationLimits, type OperationLimitsEnv } from './limits.js';
export { introspectionPlugin, suggestionsPlugin } from './introspection.js';
export { createApqCache } from './apq-cache.js';
export { FIRST_PARTY, enforceSafelist, loadManifests, type PersistedPolicy } from './persisted.js';
