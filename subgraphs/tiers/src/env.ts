import { z } from '@membership/config';
import { subgraphEnv } from '@membership/subgraph';

/**
 * The tiers subgraph's environment, parsed once: the shared settings, on port 4102 by
 * default, and the terms the membership rules leave open.
 */
export const loadTiersEnv = subgraphEnv(4102, {
  /** Days a member keeps a tier their evaluation no longer reaches, after the notice. */
  TIERS_DOWNGRADE_GRACE_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  /** How many days ahead a benefit change must be announced. */
  TIERS_BENEFIT_NOTICE_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  /** How many days ahead a new version of the evaluation rules (thresholds, weights) must take effect. */
  TIERS_RULE_NOTICE_DAYS: z.coerce.number().int().min(1).max(365).default(30),
});

export type TiersEnv = ReturnType<typeof loadTiersEnv>;
