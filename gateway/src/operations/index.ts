export { operationLimits, type OperationLimitsEnv } from './limits.js';
export { introspectionPlugin, suggestionsPlugin } from './introspection.js';
