import { allow, isOwnerOrStaff, type FieldRules } from '@membership/subgraph';

/** Who may call what in tiers; anything not named here is refused. */
export const rules: FieldRules = {
  Query: {
    // The ladder is marketing: anyone, signed in or not, may read the published tiers.
    tiers: allow,
  },
  Member: {
    tier: isOwnerOrStaff('tiers:read'),
    tierSince: isOwnerOrStaff('tiers:read'),
  },
};
