import type { Database } from '@membership/db';
import type { Logger } from '@membership/config';
import type { EventConsumer, OutboxTable } from '@membership/events';
import type { BaseSubgraphContext, SubgraphDefinition } from './server.js';

/** What every subgraph's factory receives, whether it runs alone or beside the others. */
export interface SubgraphModuleOptions {
  database: Database;
  /** Environment to read the subgraph's own settings from (defaults to process.env). */
  env?: Record<string, string | undefined>;
  /** Injectable clock, so expiry, grace periods and SLAs are testable. */
  now?: () => Date;
  logger: Logger;
}

/** A subgraph as the process hosting it sees it: schema, tables, events and where to listen. */
export interface SubgraphModule {
  name: string;
  definition: SubgraphDefinition<BaseSubgraphContext & Record<string, unknown>>;
  migrationsFolder: string;
  /** The subgraph's outbox, when it produces events. */
  producer?: OutboxTable;
  /** The subgraph's queue reader, when it consumes events. */
  consumer?: EventConsumer;
  port: number;
  host: string;
  signingSecret: string;
}
