import type { BaseSubgraphContext } from '@membership/subgraph';
import type { ComplaintsRepository } from './db/complaints-repository.js';
import type { ReportsRepository } from './db/reports-repository.js';
import type { SanctionRow, SanctionsRepository } from './db/sanctions-repository.js';
import type { StaffOperationRow } from './db/staff-log.js';
import type { ModerationPolicy } from './env.js';
import type { ModerationLoaders } from './loaders.js';

export interface ModerationContext extends BaseSubgraphContext {
  loaders: ModerationLoaders;
  sanctions: SanctionsRepository;
  reports: ReportsRepository;
  /** Complaints as this viewer may see them: a member's own, or all for staff with complaints:read. */
  complaints: ComplaintsRepository;
  /** The staff operation log, newest first. */
  operationLog: (first: number) => Promise<StaffOperationRow[]>;
  policy: ModerationPolicy;
  /** The request's clock reading: one instant for every standing and deadline in the response. */
  now: Date;
}

/** What liftSanction hands on: the lifted sanction and whose it was (the owner of its marked field). */
export interface LiftedSanction {
  sanctionId: string;
  memberId: string | null;
  sanction: SanctionRow;
}
