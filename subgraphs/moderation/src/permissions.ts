import { isOwnerOrStaff, type FieldRules } from '@membership/subgraph';

/** Who may call what in moderation; anything not named here is refused. */
export const rules: FieldRules = {
  Member: {
    // Sanctions are between the member and the programme: nobody else sees them.
    standing: isOwnerOrStaff('moderation:read'),
  },
};
