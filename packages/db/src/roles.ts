import { sql } from 'drizzle-orm';
import type { Database } from './index.js';

/** Schemas every subgraph process uses besides its own: the event log and queues, the job runs, migration bookkeeping. */
const SHARED_SCHEMAS = ['events', 'jobs'] as const;

/** The Postgres role a subgraph's process connects as: `membership_<subgraph>`. */
export const subgraphRole = (subgraph: string) => `membership_${subgraph}`;

const ident = (name: string) => {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a plain SQL name: ${name}`);
  return `"${name}"`;
};
const literal = (value: string) => `'${value.replace(/'/g, "''")}'`;

/**
 * Creates (or brings up to date) one Postgres role per subgraph that may read and write the
 * tables of its own schema, the shared `events` and `jobs` tables, and read migration
 * bookkeeping, and nothing else: no other subgraph's schema, no DDL (migrations run as the
 * owner, `npm run migrate`). With a password a role may log in (docker-compose gives each
 * container its own); without, it exists for `SET ROLE` only. Run it after migrations, as
 * the database owner; running it again changes nothing but passwords given. Postgres only.
 */
export async function ensureSubgraphRoles(
  database: Database,
  subgraphs: readonly string[],
  passwords: Record<string, string | undefined> = {},
): Promise<void> {
  if (database.kind !== 'postgres') throw new Error('Subgraph roles need Postgres; PGlite has one user.');
  for (const subgraph of subgraphs) {
    const role = ident(subgraphRole(subgraph));
    const schema = ident(subgraph);
    const password = passwords[subgraph];
    const statements = [
      // Roles belong to the cluster: another database (or a test beside this one) may have made it.
      `DO $$ BEGIN CREATE ROLE ${role} NOLOGIN; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$`,
      password ? `ALTER ROLE ${role} WITH LOGIN PASSWORD ${literal(password)}` : `ALTER ROLE ${role} WITH NOLOGIN`,
      `GRANT USAGE ON SCHEMA ${schema} TO ${role}`,
      `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${schema} TO ${role}`,
      `GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA ${schema} TO ${role}`,
      ...SHARED_SCHEMAS.flatMap((shared) => [
        `GRANT USAGE ON SCHEMA ${ident(shared)} TO ${role}`,
        `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${ident(shared)} TO ${role}`,
        `GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA ${ident(shared)} TO ${role}`,
      ]),
      `GRANT USAGE ON SCHEMA "drizzle" TO ${role}`,
      `GRANT SELECT ON ALL TABLES IN SCHEMA "drizzle" TO ${role}`,
    ];
    for (const statement of statements) await database.rows(sql.raw(statement));
  }
}
