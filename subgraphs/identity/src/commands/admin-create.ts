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
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { createLogger } from '@membership/config';
import { openDatabase } from '@membership/db';
import { DomainError } from '@membership/subgraph';
import { createFirstAdmin } from '../domain/staff.js';
import { loadAdminCommandEnv, loadIdentityEnv } from '../env.js';
import { systemServices } from '../services.js';
import { migrationsFolder } from '../subgraph.js';

/** What the command writes, where: the process's streams, or a test's buffers. */
interface Output {
  out(text: string): void;
  err(text: string): void;
}

/** The command itself, callable in-process (tests): its exit code. */
/** `source` is the environment to read (the process's when absent). */
export async function adminCreate(args: string[], source: Record<string, string | undefined> | undefined, output: Output): Promise<number> {
  const { values } = parseArgs({ args, options: { email: { type: 'string' }, name: { type: 'string' } }, allowPositionals: false });
  const env = loadIdentityEnv(source);
  const adminEnv = loadAdminCommandEnv(source);
  const email = values.email ?? adminEnv.ADMIN_EMAIL;
  const displayName = values.name ?? adminEnv.ADMIN_NAME ?? 'Admin';
  if (!email) {
    output.err('Give the admin\'s email: npm run admin:create -- --email ops@example.org --name "Ops Lead" (or ADMIN_EMAIL).\n');
    return 2;
  }
  const logger = createLogger('admin:create', env.LOG_LEVEL);
  const database = await openDatabase(env.DATABASE_URL ? { url: env.DATABASE_URL, poolSize: 1 } : { pgliteDir: env.PGLITE_DIR });
  try {
    await database.migrate(migrationsFolder, 'identity');
    const { staff, password, generated } = await createFirstAdmin(systemServices({ database, env: source, logger }).staff, {
      email,
      displayName,
      password: adminEnv.ADMIN_PASSWORD,
    });
    output.out(`Created admin ${staff.email} (${staff.id}) with roles: ${staff.roles.join(', ')}.\n`);
    output.out(
      generated
        ? `Temporary password (shown once): ${password}\nSign in with staffLogin; you will be asked to change it.\n`
        : 'Sign in with staffLogin and the password from ADMIN_PASSWORD; you will be asked to change it.\n',
    );
    return 0;
  } catch (error) {
    output.err(`${error instanceof DomainError ? error.message : String(error)}\n`);
    return 1;
  } finally {
    await database.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const code = await adminCreate(process.argv.slice(2), undefined, {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
  });
  process.exit(code);
}
