/**
 * The subgraphs' side of the bench and the soak, in the calling process: the database
 * (a scratch Postgres database next to DATABASE_URL, dropped on close; else in-memory
 * PGlite) and every subgraph on a free port behind the committed supergraph.
 */
import { readFileSync } from 'node:fs';
import type { Logger } from '@membership/config';
import { createScratchDatabase, openDatabase, type Database } from '@membership/db';
import { startSubgraphServer, type RunningServer, type SubgraphModule } from '@membership/subgraph';
import { withSubgraphUrls } from './gateway-config.js';

export async function openBenchDatabase(
  adminUrl: string | undefined,
  prefix: string,
): Promise<{ database: Database; close(): Promise<void> }> {
  const scratch = adminUrl ? await createScratchDatabase(adminUrl, prefix) : undefined;
  const database = await openDatabase(scratch ? { url: scratch.url, poolSize: 20 } : {});
  return {
    database,
    async close() {
      await database.close();
      await scratch?.drop();
    },
  };
}

/** Starts every module's subgraph server; `onRequest` hears each GraphQL request one answers. */
export async function startSubgraphs(modules: SubgraphModule[], options: { logger: Logger; onRequest?: (subgraph: string) => void }) {
  const servers: Record<string, RunningServer> = {};
  for (const m of modules) {
    const { onRequest } = options;
    const definition = onRequest
      ? {
          ...m.definition,
          createContext: (base: Parameters<typeof m.definition.createContext>[0]) => {
            onRequest(m.name);
            return m.definition.createContext(base);
          },
        }
      : m.definition;
    servers[m.name] = await startSubgraphServer(definition, { port: 0, trustedKeys: m.trustedKeys, logger: options.logger });
  }
  const urls = Object.fromEntries(Object.entries(servers).map(([name, s]) => [name, s.url]));
  const supergraphSdl = withSubgraphUrls(readFileSync(new URL('../../schema/supergraph.graphql', import.meta.url), 'utf8'), urls);
  return {
    urls,
    supergraphSdl,
    async close() {
      for (const s of Object.values(servers)) await s.close();
    },
  };
}
