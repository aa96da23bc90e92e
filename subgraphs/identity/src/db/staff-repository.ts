import { asc, eq, inArray } from 'drizzle-orm';
import type { Db } from '@membership/db';
import type { FailureState } from '../domain/lockout.js';
import type { RoleDefinition } from '../domain/roles.js';
import { roleScopes, roles, staff, staffRoles } from './schema.js';
import { recordStaffOperation, type StaffOperation } from './staff-operation-log.js';

export type StaffRow = typeof staff.$inferSelect;

/** A staff account with the roles it holds and the scopes they grant. */
export type StaffAccount = StaffRow & { roles: string[]; scopes: { scope: string }[] };

/** A role with its scopes, as stored. */
export type RoleRow = RoleDefinition & { scopes: string[] };

/** What the log entry of a staff change says, beyond the change itself. */
export type OperationNote = Omit<StaffOperation, 'before' | 'after' | 'target' | 'operation'>;

/** All SQL about staff accounts, roles and their scopes. */
export class StaffRepository {
  constructor(private readonly db: Db) {}

  private async withRoles(rows: StaffRow[], db: Db = this.db): Promise<StaffAccount[]> {
    if (rows.length === 0) return [];
    const grants = await db
      .select({ staffId: staffRoles.staffId, roleName: staffRoles.roleName, scope: roleScopes.scope })
      .from(staffRoles)
      .leftJoin(roleScopes, eq(roleScopes.roleName, staffRoles.roleName))
      .where(inArray(staffRoles.staffId, rows.map((r) => r.id)));
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
    const rows = await this.db.select({ name: roles.name }).from(roles).where(inArray(roles.name, [...names]));
    return new Set(rows.map((r) => r.name));
  }

  /** Adds the roles and scopes that are missing; never changes or removes what is there. */
  async ensureRoles(definitions: readonly RoleDefinition[]): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx
        .insert(roles)
        .values(definitions.map((d) => ({ name: d.name, description: d.description })))
        .onConflictDoNothing();
      const existing = await tx.select({ name: roleScopes.roleName }).from(roleScopes);
      const seeded = new Set(existing.map((r) => r.name));
      // Scopes only for roles that have none yet: an operator who edited a role keeps their edit.
      const missing = definitions.filter((d) => !seeded.has(d.name)).flatMap((d) => d.scopes.map((scope) => ({ roleName: d.name, scope })));
      if (missing.length > 0) await tx.insert(roleScopes).values(missing).onConflictDoNothing();
    });
  }

  /** Creates the account with its roles and logs the operation, in one transaction. */
  async create(row: StaffRow, roleNames: readonly string[], note: OperationNote): Promise<StaffAccount> {
    return this.db.transaction(async (t) => {
      const tx = t as unknown as Db;
      await tx.insert(staff).values(row);
      await tx.insert(staffRoles).values(roleNames.map((roleName) => ({ staffId: row.id, roleName, grantedAt: note.at })));
      await recordStaffOperation(tx, {
        ...note,
        operation: 'staff.create',
        target: { type: 'staff', id: row.id },
        after: { email: row.email, displayName: row.displayName, roles: [...roleNames].sort() },
      });
      return (await this.withRoles([row], tx))[0]!;
    });
  }

  /** Replaces the roles a staff member holds and logs before and after, in one transaction. */
  async setRoles(staffId: string, roleNames: readonly string[], note: OperationNote): Promise<StaffAccount | undefined> {
    return this.db.transaction(async (t) => {
      const tx = t as unknown as Db;
      const [row] = await tx.select().from(staff).where(eq(staff.id, staffId)).for('update');
      if (!row) return undefined;
      const before = (await this.withRoles([row], tx))[0]!.roles;
      await tx.delete(staffRoles).where(eq(staffRoles.staffId, staffId));
      if (roleNames.length > 0) await tx.insert(staffRoles).values(roleNames.map((roleName) => ({ staffId, roleName, grantedAt: note.at })));
      await recordStaffOperation(tx, {
        ...note,
        operation: 'staff.roles.set',
        target: { type: 'staff', id: staffId },
        before: { roles: before },
        after: { roles: [...roleNames].sort() },
      });
      return (await this.withRoles([row], tx))[0];
    });
  }

  /** Sets a new password, clears the failure count and logs it (never the password), in one transaction. */
  async changePassword(staffId: string, passwordHash: string, note: OperationNote): Promise<void> {
    await this.db.transaction(async (t) => {
      const tx = t as unknown as Db;
      await tx
        .update(staff)
        .set({ passwordHash, passwordChangedAt: note.at, failedLogins: 0, lockCount: 0, lockedUntil: null })
        .where(eq(staff.id, staffId));
      await recordStaffOperation(tx, { ...note, operation: 'staff.password.change', target: { type: 'staff', id: staffId } });
    });
  }

  /** Counts a wrong password under a row lock while `next` decides the new state. */
  async recordFailedLogin(id: string, next: (state: FailureState) => FailureState): Promise<FailureState | undefined> {
    return this.db.transaction(async (tx) => {
      const [row] = await tx
        .select({ failedLogins: staff.failedLogins, lockCount: staff.lockCount, lockedUntil: staff.lockedUntil })
        .from(staff)
        .where(eq(staff.id, id))
        .for('update');
      if (!row) return undefined;
      const state = next(row);
      await tx.update(staff).set(state).where(eq(staff.id, id));
      return state;
    });
  }

  async clearFailedLogins(id: string): Promise<void> {
    await this.db.update(staff).set({ failedLogins: 0, lockCount: 0, lockedUntil: null }).where(eq(staff.id, id));
  }
}
