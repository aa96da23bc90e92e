import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '@membership/db';
import type { FailureState } from '../domain/lockout.js';
import type { RoleRow, StaffAccount, StaffRoleGrant, StaffRow } from '../domain/records.js';
import type { RoleDefinition } from '../domain/roles.js';
import type { StaffStore } from '../domain/stores.js';
import { unique } from './errors.js';
import { roleScopes, roles, staff, staffRoleGrants, staffRoles } from './schema.js';

const bumped = sql`${staff.sessionVersion} + 1`;

const grantRow = (row: typeof staffRoleGrants.$inferSelect): StaffRoleGrant => ({ ...row, status: row.status as StaffRoleGrant['status'] });

/** All SQL about staff accounts, roles and their scopes. */
export class StaffRepository implements StaffStore {
  constructor(private readonly db: Db) {}

  private async withRoles(rows: StaffRow[]): Promise<StaffAccount[]> {
    if (rows.length === 0) return [];
    const grants = await this.db
      .select({ staffId: staffRoles.staffId, roleName: staffRoles.roleName, scope: roleScopes.scope })
      .from(staffRoles)
      .leftJoin(roleScopes, eq(roleScopes.roleName, staffRoles.roleName))
      .where(
        inArray(
          staffRoles.staffId,
          rows.map((r) => r.id),
        ),
      );
    return rows.map((row) => {
      const own = grants.filter((g) => g.staffId === row.id);
      return {
        ...row,
        roles: [...new Set(own.map((g) => g.roleName))].sort(),
        scopes: own.flatMap((g) => (g.scope ? [{ scope: g.scope }] : [])),
      };
    });
  }

  async byEmail(email: string): Promise<StaffAccount | undefined> {
    const rows = await this.db.select().from(staff).where(eq(staff.email, email)).limit(1);
    return (await this.withRoles(rows))[0];
  }

  async byId(id: string): Promise<StaffAccount | undefined> {
    const rows = await this.db.select().from(staff).where(eq(staff.id, id)).limit(1);
    return (await this.withRoles(rows))[0];
  }

  /** The account with its row locked until the transaction ends. Call it in a transaction. */
  async lockById(id: string): Promise<StaffAccount | undefined> {
    const rows = await this.db.select().from(staff).where(eq(staff.id, id)).for('update');
    return (await this.withRoles(rows))[0];
  }

  /** Every role with its scopes, by name. */
  async roles(): Promise<RoleRow[]> {
    const rows = await this.db
      .select({ name: roles.name, description: roles.description, scope: roleScopes.scope })
      .from(roles)
      .leftJoin(roleScopes, eq(roleScopes.roleName, roles.name))
      .orderBy(asc(roles.name), asc(roleScopes.scope));
    const byName = new Map<string, RoleRow>();
    for (const r of rows) {
      const role = byName.get(r.name) ?? { name: r.name, description: r.description, scopes: [] };
      if (r.scope) role.scopes.push(r.scope);
      byName.set(r.name, role);
    }
    return [...byName.values()];
  }

  /** Which of these role names exist. */
  async existingRoles(names: readonly string[]): Promise<Set<string>> {
    if (names.length === 0) return new Set();
    const rows = await this.db
      .select({ name: roles.name })
      .from(roles)
      .where(inArray(roles.name, [...names]));
    return new Set(rows.map((r) => r.name));
  }

  /** Adds the roles and scopes that are missing; never changes or removes what is there. Call it in a transaction. */
  async ensureRoles(definitions: readonly RoleDefinition[]): Promise<void> {
    await this.db
      .insert(roles)
      .values(definitions.map((d) => ({ name: d.name, description: d.description })))
      .onConflictDoNothing();
    const existing = await this.db.select({ name: roleScopes.roleName }).from(roleScopes);
    const seeded = new Set(existing.map((r) => r.name));
    // Scopes only for roles that have none yet: an operator who edited a role keeps their edit.
    const missing = definitions.filter((d) => !seeded.has(d.name)).flatMap((d) => d.scopes.map((scope) => ({ roleName: d.name, scope })));
    if (missing.length > 0) await this.db.insert(roleScopes).values(missing).onConflictDoNothing();
  }

  /** Creates the account with its roles; the unique email index refuses a second one. */
  async create(row: StaffRow, roleNames: readonly string[]): Promise<StaffAccount> {
    await unique(() => this.db.insert(staff).values(row));
    if (roleNames.length > 0)
      await this.db.insert(staffRoles).values(roleNames.map((roleName) => ({ staffId: row.id, roleName, grantedAt: row.createdAt })));
    return (await this.withRoles([row]))[0]!;
  }

  /** Replaces the roles a staff member holds; undefined when there is no such account. */
  async replaceRoles(staffId: string, roleNames: readonly string[], at: Date): Promise<StaffAccount | undefined> {
    // Tokens issued under the old roles stop working at the next session check.
    await this.db.update(staff).set({ sessionVersion: bumped }).where(eq(staff.id, staffId));
    await this.db.delete(staffRoles).where(eq(staffRoles.staffId, staffId));
    if (roleNames.length > 0) await this.db.insert(staffRoles).values(roleNames.map((roleName) => ({ staffId, roleName, grantedAt: at })));
    return this.byId(staffId);
  }

  /** Sets a new password and clears the failure count and lock. */
  async changePassword(staffId: string, passwordHash: string, at: Date): Promise<void> {
    await this.db
      .update(staff)
      .set({ passwordHash, passwordChangedAt: at, failedLogins: 0, lockCount: 0, lockedUntil: null, sessionVersion: bumped })
      .where(eq(staff.id, staffId));
  }

  /** Counts a wrong password under a row lock while `next` decides the new state. Call it in a transaction. */
  async recordFailedLogin(id: string, next: (state: FailureState) => FailureState): Promise<FailureState | undefined> {
    const [row] = await this.db
      .select({ failedLogins: staff.failedLogins, lockCount: staff.lockCount, lockedUntil: staff.lockedUntil })
      .from(staff)
      .where(eq(staff.id, id))
      .for('update');
    if (!row) return undefined;
    const state = next(row);
    await this.db.update(staff).set(state).where(eq(staff.id, id));
    return state;
  }

  async clearFailedLogins(id: string): Promise<void> {
    await this.db.update(staff).set({ failedLogins: 0, lockCount: 0, lockedUntil: null }).where(eq(staff.id, id));
  }

  async disable(staffId: string, at: Date): Promise<void> {
    await this.db.update(staff).set({ disabledAt: at, sessionVersion: bumped }).where(eq(staff.id, staffId));
  }

  async createGrant(grant: StaffRoleGrant): Promise<void> {
    await this.db.insert(staffRoleGrants).values(grant);
  }

  async lockGrant(id: string): Promise<StaffRoleGrant | undefined> {
    const [row] = await this.db.select().from(staffRoleGrants).where(eq(staffRoleGrants.id, id)).for('update');
    return row ? grantRow(row) : undefined;
  }

  async pendingGrants(staffIds: readonly string[]): Promise<Map<string, StaffRoleGrant>> {
    const byStaff = new Map<string, StaffRoleGrant>();
    if (staffIds.length === 0) return byStaff;
    const rows = await this.db
      .select()
      .from(staffRoleGrants)
      .where(and(inArray(staffRoleGrants.staffId, [...staffIds]), eq(staffRoleGrants.status, 'pending')))
      .orderBy(desc(staffRoleGrants.requestedAt));
    for (const row of rows) if (!byStaff.has(row.staffId)) byStaff.set(row.staffId, grantRow(row));
    return byStaff;
  }

  async allPendingGrants(): Promise<StaffRoleGrant[]> {
    const rows = await this.db
      .select()
      .from(staffRoleGrants)
      .where(eq(staffRoleGrants.status, 'pending'))
      .orderBy(asc(staffRoleGrants.requestedAt))
      .limit(200);
    return rows.map(grantRow);
  }

  async decideGrant(id: string, status: 'approved' | 'rejected', by: string, at: Date): Promise<void> {
    await this.db.update(staffRoleGrants).set({ status, decidedBy: by, decidedAt: at }).where(eq(staffRoleGrants.id, id));
  }
}
