export { operationLimits, type OperationLimitsEnv } from './limits.js';
export { SCHEMA_READ_SCOPE, introspectionPlugin, selectsIntrospection, suggestionsPlugin } from './introspection.js';
