/** A role and the scopes it grants. */
export interface RoleDefinition {
  name: string;
  description: string;
  scopes: readonly string[];
}

/**
 * The roles a fresh platform starts with. They are written to `identity.roles` and
 * `identity.role_scopes` once (seed, `npm run admin:create`) and from then on are data:
 * what is in the database wins, an operator's changes are never overwritten.
 */
const BASE_ROLES: readonly RoleDefinition[] = [
  {
    name: 'support',
    description:
      'Answers members: reads accounts, tiers, points, orders and standing (behaviour, with a purpose); sees contact data masked; takes, answers and resolves complaints; grants points for adopted suggestions and hand-checked tasks.',
    scopes: [
      'members:read',
      'pii:contact:masked',
      'pii:behaviour:read',
      'tiers:read',
      'points:read',
      'points:grant',
      'orders:read',
      'moderation:read',
      'complaints:read',
      'complaints:write',
    ],
  },
  {
    name: 'reviewer',
    description: 'Reviews advanced real-name verifications: sees identity documents in full.',
    scopes: ['members:read', 'verification:review', 'pii:identity:read', 'pii:contact:masked'],
  },
  {
    name: 'moderator',
    description:
      'Works the report queue, records violations (the ladder decides the sanction), decides appeals of violations others recorded; works the risk flag queue; reads standing, complaints and order and points history (behaviour, with a purpose).',
    scopes: [
      'members:read',
      'moderation:read',
      'moderation:write',
      'complaints:read',
      'pii:contact:masked',
      'pii:behaviour:read',
      'risk:review',
    ],
  },
  {
    name: 'finance',
    description:
      'Handles refunds, offline payments and point adjustments; works the risk flag queue; sees financial data and order and points history (behaviour, with a purpose).',
    scopes: [
      'members:read',
      'orders:read',
      'orders:write',
      'orders:refund',
      'points:read',
      'points:adjust',
      'pii:financial:read',
      'pii:behaviour:read',
      'risk:review',
    ],
  },
  {
    name: 'admin',
    description:
      "Manages staff accounts and roles; publishes policy versions and the points programme (earning rules, campaigns, store, lotteries); schedules tier benefit changes; reads the audit logs, the scheduled jobs' runs and the schema. " +
      'Holds every scope of the other roles except pii:*:read, since nobody grants a scope they do not hold; those need a second admin.',
    scopes: [
      'members:read',
      'staff:manage',
      'audit:read',
      'ops:read',
      'schema:read',
      'pii:contact:masked',
      'policy:publish',
      'points:manage',
      'tiers:manage',
    ],
  },
  {
    name: 'partnerships',
    description: 'Registers partners and their data-sharing agreements; issues, rotates and revokes their API keys.',
    scopes: ['partners:manage'],
  },
  {
    name: 'auditor',
    description: 'Reads the staff operation log and the PII access log; changes nothing.',
    scopes: ['members:read', 'audit:read', 'schema:read'],
  },
];

/** A scope that reads a category of personal data in full: granting it needs a second admin. */
const needsSecondAdmin = (scope: string) => /^pii:[a-z_]+:read$/.test(scope);

/**
 * The roles a fresh platform starts with. Nobody grants a scope they do not hold, so the
 * admin who creates staff holds every scope the other roles give (scopes added to them
 * later included), except full PII reads, which wait for a second admin instead.
 */
export const DEFAULT_ROLES: readonly RoleDefinition[] = BASE_ROLES.map((role) =>
  role.name === 'admin'
    ? {
        ...role,
        scopes: [...new Set([...role.scopes, ...BASE_ROLES.flatMap((r) => r.scopes.filter((scope) => !needsSecondAdmin(scope)))])].sort(),
      }
    : role,
);

/**
 * What giving `roleNames` to a staff member who holds `currentRoles` asks of the one who
 * gives them (holding `held`, or everything when undefined): `notHeld`, new scopes they do
 * not hold, which they cannot give; `needsApproval`, new pii:*:read scopes, which wait for a
 * second admin whoever gives them. Scopes the staff member already holds are neither.
 */
export function grantCheck(
  roles: readonly { name: string; scopes: readonly string[] }[],
  roleNames: readonly string[],
  currentRoles: readonly string[],
  held: ReadonlySet<string> | undefined,
): { notHeld: string[]; needsApproval: string[] } {
  const scopesOfRoles = (names: readonly string[]) => new Set(roles.filter((r) => names.includes(r.name)).flatMap((r) => r.scopes));
  const current = scopesOfRoles(currentRoles);
  const added = [...scopesOfRoles(roleNames)].filter((scope) => !current.has(scope)).sort();
  return {
    notHeld: held ? added.filter((scope) => !needsSecondAdmin(scope) && !held.has(scope)) : [],
    needsApproval: added.filter(needsSecondAdmin),
  };
}

/** The scopes a set of role grants give, each once, sorted: what goes into the staff token. */
export function scopesOf(grants: readonly { scope: string }[]): string[] {
  return [...new Set(grants.map((g) => g.scope))].sort();
}
