import type { JobRunsRepository } from '@membership/jobs';
import type { BaseSubgraphContext, Connection } from '@membership/subgraph';
import type { AccessPolicy } from '@membership/viewer';
import type { NoticeRow } from './domain/records.js';
import type { IdentityStores } from './domain/stores.js';
import type { IdentityLoaders } from './loaders.js';
import type { ProductionContext } from './production.js';
import type { IdentityServices } from './services.js';

export interface IdentityContext extends BaseSubgraphContext, IdentityServices {
  /** Identity's repositories as this request may see them (the viewer's scope). */
  stores: IdentityStores;
  /** The scheduled jobs' run record (the shared `jobs` schema, read for ops tools). */
  jobRuns: JobRunsRepository;
  loaders: IdentityLoaders;
  now: () => Date;
  /** The PII category rule's settings, for identity's own @pii fields. */
  piiPolicy: AccessPolicy;
  /** Member cards and what the production issue added (production.ts). */
  production: ProductionContext;
}

/** What Member.inbox hands on: the page, and whose inbox it is (for unreadCount). */
export type InboxPage = Connection<NoticeRow> & { memberId: string };

/** What Member.consents hands on: whose consents the fields below read. */
export type ConsentsOf = { memberId: string };
