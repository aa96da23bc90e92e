import type { JobDefinition } from '@membership/jobs';
import type { SanctionsRepository } from './db/sanctions-repository.js';

/**
 * Sanctions take effect when their notice period is over and lift when their term ends:
 * SanctionApplied, then SanctionLifted (reason expired), in set-based passes.
 */
export function sanctionsJob(sanctions: SanctionsRepository): JobDefinition {
  return {
    name: 'moderation.sanctions',
    every: '5m',
    run: ({ now }) => sanctions.runDue(now),
  };
}
