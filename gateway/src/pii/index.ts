export { PiiGateway, type PiiLayerOptions } from './pii-gateway.js';
export { IdentityAccessLog, type AccessLogWriter, type AccessLogEntry } from './access-log.js';
export { NO_PARTNER_CONSENT, decideAccess, type AccessPolicy } from './access.js';
export { noReservedAliases } from './reserved-aliases.js';
export { readPiiMarks } from './marks.js';
export { maskValue } from './mask.js';
