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
export const DEFAULT_ROLES: readonly RoleDefinition[] = [
  {
    name: 'support',
    description: 'Answers members: reads accounts, tiers, points, orders and standing (behaviour, with a purpose); sees contact data masked.',
    scopes: ['members:read', 'pii:contact:masked', 'pii:behaviour:read', 'tiers:read', 'points:read', 'orders:read', 'moderation:read'],
  },
  {
    name: 'reviewer',
    description: 'Reviews advanced real-name verifications: sees identity documents in full.',
    scopes: ['members:read', 'verification:review', 'pii:identity:read', 'pii:contact:masked'],
  },
  {
    name: 'moderator',
    description: 'Applies and lifts sanctions; reads standing and order and points history (behaviour, with a purpose).',
    scopes: ['members:read', 'moderation:read', 'moderation:write', 'pii:contact:masked', 'pii:behaviour:read'],
  },
  {
    name: 'finance',
    description: 'Handles refunds and point adjustments; sees financial data and order and points history (behaviour, with a purpose).',
    scopes: ['members:read', 'orders:read', 'orders:refund', 'points:read', 'points:adjust', 'pii:financial:read', 'pii:behaviour:read'],
  },
  {
    name: 'admin',
    description: 'Manages staff accounts and roles; publishes policy versions; reads the audit logs, the scheduled jobs\' runs and the schema.',
    scopes: ['members:read', 'staff:manage', 'audit:read', 'ops:read', 'schema:read', 'pii:contact:masked', 'policy:publish'],
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

/** The scopes a set of role grants give, each once, sorted: what goes into the staff token. */
export function scopesOf(grants: readonly { scope: string }[]): string[] {
  return [...new Set(grants.map((g) => g.scope))].sort();
}
