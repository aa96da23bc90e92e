export { PiiGateway, type PiiLayerOptions } from './pii-gateway.js';
export { IdentityAccessLog, type AccessLogWriter, type AccessLogEntry } from './access-log.js';
export { NO_PARTNER_CONSENT, type AccessPolicy } from './access.js';
export { noReservedAliases } from './reserved-aliases.js';
