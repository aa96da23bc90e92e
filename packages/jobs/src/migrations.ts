import { fileURLToPath } from 'node:url';

/** The scheduler's own migrations (the `jobs` schema). */
export const jobsMigrationsFolder = fileURLToPath(new URL('../migrations', import.meta.url));
