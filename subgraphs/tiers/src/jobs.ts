import type { Db } from '@membership/db';
import type { JobDefinition } from '@membership/jobs';
import { BenefitsRepository } from './db/benefits-repository.js';
import { reevaluateAll } from './db/reevaluation.js';
import type { TiersEnv } from './env.js';

/**
 * The periodic re-evaluation of every member (set-based, src/db/reevaluation.ts):
 * upgrades missed, downgrades announced for the end of the grace period, and applied
 * once it is over. Running it twice in a row changes nothing the second time.
 */
export function reevaluationJob(db: Db, env: Pick<TiersEnv, 'TIERS_DOWNGRADE_GRACE_DAYS'>): JobDefinition {
  return {
    name: 'tiers.reevaluation',
    every: '24h',
    async run({ now }) {
      return { ...(await reevaluateAll(db, now, env.TIERS_DOWNGRADE_GRACE_DAYS)) };
    },
  };
}

/**
 * Applies announced benefit changes whose date has come: each is marked applied and
 * TierBenefitChangeApplied goes out in the same transaction, once. Members read the new
 * benefit from its date whatever this job does; points (which keeps each member's
 * multiplier) learns it at the next run, so the schedule is short.
 */
export function benefitChangesJob(db: Db): JobDefinition {
  return {
    name: 'tiers.benefit_changes',
    every: '1m',
    async run({ now }) {
      return { ...(await new BenefitsRepository(db).applyDue(now)) };
    },
  };
}
