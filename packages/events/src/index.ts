export * from './catalog.js';
export * from './tables.js';
export * from './outbox.js';
export * from './consumer.js';
export * from './bus.js';
export * from './retention.js';
import { fileURLToPath } from 'node:url';
/** The broker's own migrations (the `events` schema). */
export const eventsMigrationsFolder = fileURLToPath(new URL('../migrations', import.meta.url));
