import { and, rule } from 'graphql-shield';
import { allow, isMember, isOwnerOrStaff, isService, isStaffWith, type FieldRules } from '@membership/subgraph';
import type { Viewer } from '@membership/viewer';

/** The gateway calling for itself; no other service writes the PII access log. */
const isGateway = rule('service:gateway', { cache: 'contextual' })(
  (_p, _a, ctx: { viewer: Viewer }) => ctx.viewer.kind === 'service' && ctx.viewer.service === 'gateway',
);

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
    recordPiiAccess: and(isService, isGateway),
  },
  Member: {
    // Contact fields are also guarded per category at the gateway (PII rules); here a
    // second line: only the owner or staff who may read members get them at all.
    email: isOwnerOrStaff('members:read'),
    phone: isOwnerOrStaff('members:read'),
    piiAccessLog: isOwnerOrStaff('audit:read'),
  },
};
