import type { JobRunsRepository } from '@membership/jobs';
import type { BaseSubgraphContext } from '@membership/subgraph';
import type { AccountsDeps } from './domain/accounts.js';
import type { DataExportDeps } from './domain/data-export.js';
import type { InboxRepository } from './db/inbox-repository.js';
import type { ConsentDeps } from './domain/consents.js';
import type { ErasureDeps } from './domain/erasure.js';
import type { PiiAccessDeps } from './domain/pii-access-log.js';
import type { StaffDeps } from './domain/staff.js';
import type { VerificationDeps } from './domain/verification.js';
import type { IdentityLoaders } from './loaders.js';

export interface IdentityContext extends BaseSubgraphContext {
  accounts: AccountsDeps;
  staff: StaffDeps;
  verification: VerificationDeps;
  piiAccess: PiiAccessDeps;
  erasure: ErasureDeps;
  dataExport: DataExportDeps;
  consents: ConsentDeps;
  inbox: InboxRepository;
  /** The scheduled jobs' run record (the shared `jobs` schema, read for ops tools). */
  jobRuns: JobRunsRepository;
  loaders: IdentityLoaders;
}
