import { allow, isMember, isOwnerOrStaff, isStaffWith, type FieldRules } from '@membership/subgraph';

/** Who may call what in identity; anything not named here is refused. */
export const rules: FieldRules = {
  Query: {
    me: isMember,
    member: isStaffWith('members:read'),
    members: isStaffWith('members:read'),
  },
  Mutation: {
    register: allow,
    login: allow,
  },
  Member: {
    // Contact fields are also guarded per category at the gateway (PII rules); here a
    // second line: only the owner or staff who may read members get them at all.
    email: isOwnerOrStaff('members:read'),
    phone: isOwnerOrStaff('members:read'),
  },
};
