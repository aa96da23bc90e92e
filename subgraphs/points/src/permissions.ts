import { isOwnerOrStaff, type FieldRules } from '@membership/subgraph';

/** Who may read what in points; points has no root fields of its own yet. */
export const rules: FieldRules = {
  Member: {
    // A member reads only their own points; staff need points:read.
    pointsBalance: isOwnerOrStaff('points:read'),
    pointsHistory: isOwnerOrStaff('points:read'),
  },
};
