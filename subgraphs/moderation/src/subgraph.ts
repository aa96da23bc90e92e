import { hasScope } from '@membership/viewer';
import { defineSubgraph } from '@membership/subgraph';
import type { ModerationContext } from './context.js';
import { moderationHandlers } from './consumer.js';
import { ComplaintsRepository } from './db/complaints-repository.js';
import { ReportsRepository } from './db/reports-repository.js';
import { SanctionsRepository } from './db/sanctions-repository.js';
import { inbox, outbox } from './db/schema.js';
import { staffOperationPage } from './db/staff-log.js';
import { loadModerationEnv, moderationPolicy, type ModerationEnv, type ModerationPolicy } from './env.js';
import { sanctionsJob } from './jobs.js';
import { createLoaders } from './loaders.js';
import { rules } from './permissions.js';
import { resolvers } from './resolvers/index.js';

/** The moderation subgraph: reports, violations, sanctions and their appeals, complaints. */
const moderation = defineSubgraph<ModerationContext, ModerationEnv, ModerationPolicy>({
  name: 'moderation',
  schema: new URL('./schema.graphql', import.meta.url),
  migrations: new URL('../migrations', import.meta.url),
  env: loadModerationEnv,
  setup: ({ env }) => moderationPolicy(env),
  resolvers,
  rules,
  // Reads are by member id, and the rules let only that member or staff with moderation:read ask.
  context: ({ db, now, viewer, shared }) => {
    const sanctions = new SanctionsRepository(db);
    const reports = new ReportsRepository(db);
    // A member sees their own complaints; staff who read or handle complaints see all; anyone else none.
    const staffOnComplaints = hasScope(viewer, 'complaints:read') || hasScope(viewer, 'complaints:write');
    const complaints = new ComplaintsRepository(
      db,
      viewer.kind === 'member'
        ? { memberId: viewer.memberId }
        : staffOnComplaints
          ? { all: true }
          : { memberId: '00000000-0000-0000-0000-000000000000' },
    );
    // One clock reading per request: every standing in the response is judged at the same instant.
    const at = now();
    return {
      sanctions,
      reports,
      complaints,
      operationLog: (first: number) => staffOperationPage(db, first),
      policy: shared,
      now: at,
      loaders: createLoaders(sanctions, reports, complaints, at),
    };
  },
  outbox,
  consumer: { inbox, handlers: moderationHandlers },
  jobs: ({ db }) => [sanctionsJob(new SanctionsRepository(db))],
});

export const { name, typeDefs, migrationsFolder } = moderation;
export const createModeration = moderation.create;
