import type { Database } from '@membership/db';
import type { SubgraphModule, SubgraphModuleOptions } from '@membership/subgraph';
import type { JobDefinition } from '@membership/jobs';
import { accountsFor, createIdentity, identityJobs, seedIdentity } from '@membership/identity';
import { createTiers, seedTiers } from '@membership/tiers';
import { createPoints, seedPoints } from '@membership/points';
import { createOrders, seedOrders } from '@membership/orders';
import { createModeration, seedModeration } from '@membership/moderation';
import { DEMO_MEMBERS, DEMO_MEMBER_IDS } from './demo.js';

/** Every subgraph, in the order they are migrated and started. */
export const SUBGRAPH_FACTORIES: ((options: SubgraphModuleOptions) => SubgraphModule)[] = [
  createIdentity,
  createTiers,
  createPoints,
  createOrders,
  createModeration,
];

/**
 * Each subgraph's scheduled jobs, by subgraph name. `subgraphUrls` are the running
 * servers, so a job that calls the other subgraphs (identity's exports) finds them on
 * whatever ports they got.
 */
export const SUBGRAPH_JOBS: Record<string, (options: SubgraphModuleOptions & { subgraphUrls: Record<string, string> }) => JobDefinition[]> =
  {
    identity: ({ subgraphUrls, ...options }) =>
      identityJobs({ ...options, subgraphUrls: Object.fromEntries(Object.entries(subgraphUrls).filter(([name]) => name !== 'identity')) }),
  };

/** Demo members first (their registration events open accounts and tiers), then each subgraph's extras. */
export const demoSeed = {
  async members(options: SubgraphModuleOptions) {
    await seedIdentity(
      accountsFor(options),
      DEMO_MEMBERS.map((m) => ({ ...m })),
    );
  },
  async extras(database: Database, now: Date) {
    const args = { database, memberIds: [...DEMO_MEMBER_IDS], now };
    await seedTiers(args);
    await seedPoints(args);
    await seedOrders(args);
    await seedModeration(args);
  },
};
