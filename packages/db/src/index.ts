import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { sql, type SQL } from 'drizzle-orm';
import postgres from 'postgres';
import { mkdirSync } from 'node:fs';

export { ensureSubgraphRoles, subgraphRole } from './roles.js';

/** A drizzle database or transaction; repositories accept either. */
export type Db = PgDatabase<PgQueryResultHKT, Record<string, unknown>>;

export interface DatabaseOptions {
  /** Postgres URL; when absent the database is PGlite. */
  url?: string;
  /** PGlite data folder; absent means in memory (tests). */
  pgliteDir?: string;
  /** Connections in the Postgres pool. */
  poolSize?: number;
}

/**
 * One database handle shared by the servers of a process. Each subgraph only ever
 * touches tables in its own Postgres schema through it.
 */
export interface Database {
  readonly db: Db;
  readonly kind: 'pglite' | 'postgres';
  /** Statements sent since start; tests read it to prove batching. */
  statementCount(): number;
  /** Applies a subgraph's committed drizzle-kit migrations, tracked inside its own schema. */
  migrate(migrationsFolder: string, schemaName: string): Promise<void>;
  /** Runs raw SQL and returns its rows, the same shape on PGlite and Postgres. */
  rows<T = Record<string, unknown>>(query: SQL): Promise<T[]>;
  close(): Promise<void>;
}

/**
 * Migration bookkeeping lives in the `drizzle` schema, one table per owner, because each
 * owner's first migration creates its schema itself.
 */
function migrationConfig(migrationsFolder: string, schemaName: string) {
  return { migrationsFolder, migrationsSchema: 'drizzle', migrationsTable: `${schemaName}_migrations` };
}

/** Opens PGlite (in memory or on disk) or a Postgres pool, with a statement counter. */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  let statements = 0;
  const logger = { logQuery: () => void statements++ };
  if (options.url) {
    const client = postgres(options.url, {
      max: options.poolSize ?? 10,
      onnotice: () => {},
      // Timestamps come back as Date objects in both drivers; bigint counts as numbers.
      types: { bigint: postgres.BigInt },
    });
    const db = drizzlePostgres(client, { logger }) as unknown as Db;
    return {
      db,
      kind: 'postgres',
      statementCount: () => statements,
      async migrate(migrationsFolder, schemaName) {
        await migratePostgres(db as never, migrationConfig(migrationsFolder, schemaName));
      },
      async rows<T>(query: SQL) {
        statements++;
        return (await db.execute(query)) as unknown as T[];
      },
      close: () => client.end({ timeout: 5 }),
    };
  }
  if (options.pgliteDir) mkdirSync(options.pgliteDir, { recursive: true });
  const client = options.pgliteDir ? new PGlite(options.pgliteDir) : new PGlite();
  await client.waitReady;
  const db = drizzlePglite(client, { logger }) as unknown as Db;
  return {
    db,
    kind: 'pglite',
    statementCount: () => statements,
    async migrate(migrationsFolder, schemaName) {
      await migratePglite(db as never, migrationConfig(migrationsFolder, schemaName));
    },
    async rows<T>(query: SQL) {
      statements++;
      const result = (await db.execute(query)) as unknown as { rows: T[] };
      return result.rows;
    },
    close: () => client.close(),
  };
}

/** Creates a throw-away Postgres database next to `adminUrl` and returns its URL. */
export async function createScratchDatabase(adminUrl: string, prefix = 'membership_test'): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end({ timeout: 5 });
    },
  };
}

export { sql };

/** True when `error` (as either driver or drizzle wraps it) is a unique-constraint violation. */
export function isUniqueViolation(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    if ((e as { code?: unknown }).code === '23505') return true;
  }
  return false;
}
