/**
 * Creates the first admin (or another one) and the default roles if they are missing.
 *
 *   npm run admin:create -- --email ops@example.org --name "Ops Lead"
 *   ADMIN_EMAIL=ops@example.org ADMIN_NAME="Ops Lead" ADMIN_PASSWORD=… npm run admin:create
 *
 * Without ADMIN_PASSWORD a password is generated and printed once. Either way it is
 * temporary: the admin must change it at first sign-in (staffLogin answers
 * passwordChangeRequired; changeStaffPassword sets a new one). Uses DATABASE_URL, or the
 * PGlite folder PGLITE_DIR; with PGlite, stop `npm start` first (PGlite is single-process).
 */
import { parseArgs } from 'node:util';
import { createLogger } from '@membership/config';
import { openDatabase } from '@membership/db';
import { DomainError } from '@membership/subgraph';
import { createFirstAdmin } from '../domain/staff.js';
import { loadAdminCommandEnv, loadIdentityEnv } from '../env.js';
import { systemServices } from '../services.js';
import { migrationsFolder } from '../subgraph.js';

const { values } = parseArgs({ options: { email: { type: 'string' }, name: { type: 'string' } }, allowPositionals: false });
const env = loadIdentityEnv();
const adminEnv = loadAdminCommandEnv();
const email = values.email ?? adminEnv.ADMIN_EMAIL;
const displayName = values.name ?? adminEnv.ADMIN_NAME ?? 'Admin';
if (!email) {
  process.stderr.write('Give the admin\'s email: npm run admin:create -- --email ops@example.org --name "Ops Lead" (or ADMIN_EMAIL).\n');
  process.exit(2);
}

const logger = createLogger('admin:create', env.LOG_LEVEL);
const database = await openDatabase(env.DATABASE_URL ? { url: env.DATABASE_URL, poolSize: 1 } : { pgliteDir: env.PGLITE_DIR });
let exitCode = 0;
try {
  await database.migrate(migrationsFolder, 'identity');
  const { staff, password, generated } = await createFirstAdmin(systemServices({ database, logger }).staff, {
    email,
    displayName,
    password: adminEnv.ADMIN_PASSWORD,
  });
  process.stdout.write(`Created admin ${staff.email} (${staff.id}) with roles: ${staff.roles.join(', ')}.\n`);
  process.stdout.write(
    generated
      ? `Temporary password (shown once): ${password}\nSign in with staffLogin; you will be asked to change it.\n`
      : 'Sign in with staffLogin and the password from ADMIN_PASSWORD; you will be asked to change it.\n',
  );
} catch (error) {
  exitCode = 1;
  process.stderr.write(`${error instanceof DomainError ? error.message : String(error)}\n`);
} finally {
  await database.close();
}
process.exit(exitCode);
