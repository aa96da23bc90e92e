import { randomBytes, randomUUID } from 'node:crypto';
import { badInput, conflict, forbidden, notFound, unauthenticated } from '@membership/domain';
import { issueAccessToken } from '@membership/viewer';
import { lockedError } from './accounts.js';
import { normaliseEmail, validateDisplayName } from './contact.js';
import { afterFailedLogin, secondsLocked, type LockoutPolicy } from './lockout.js';
import { DUMMY_HASH, hashPassword, verifyPassword } from './password-hash.js';
import { checkPassword } from './password-policy.js';
import { lookupHash, type KeyRing } from './encryption.js';
import type { Notifier } from './notifier.js';
import type { OperationNote, RoleRow, StaffAccount, StaffRoleGrant } from './records.js';
import { DEFAULT_ROLES, grantCheck, scopesOf } from './roles.js';
import { AlreadyExists, type StaffOperationStore, type StaffStore, type Transaction } from './stores.js';

export interface StaffDeps {
  staff: StaffStore;
  operations: StaffOperationStore;
  transaction: Transaction;
  now: () => Date;
  jwtSecret: string;
  accessTokenTtlSeconds: number;
  /** Staff passwords must be changed after this many days. */
  passwordMaxAgeDays: number;
  lockout: LockoutPolicy;
  /** Delivers a new staff member's temporary password to their work email. */
  notifier: Notifier;
  ring: KeyRing;
}

/** Who performs a staff operation: a signed-in staff member, or an operator's command. */
export type Actor = { kind: 'staff' | 'system'; id: string };

/** A staff account as the API shows it. */
export type StaffView = StaffAccount & { passwordExpiresAt: Date | null };

/** The answer to a staff sign-in. */
export interface StaffSignIn {
  /** Null while the password must be changed first. */
  accessToken: string | null;
  expiresAt: Date | null;
  scopes: string[];
  passwordChangeRequired: boolean;
  staff: StaffView;
}

const WRONG_CREDENTIALS = 'The email address or password is wrong.';

/** When the password must be changed by; null while it is a temporary one (change it now). */
export function passwordExpiresAt(account: Pick<StaffAccount, 'passwordChangedAt'>, maxAgeDays: number): Date | null {
  return account.passwordChangedAt ? new Date(account.passwordChangedAt.getTime() + maxAgeDays * 86_400_000) : null;
}

/** A temporary password, or one older than the rotation period, must be changed before anything else. */
export function mustChangePassword(account: Pick<StaffAccount, 'passwordChangedAt'>, now: Date, maxAgeDays: number): boolean {
  const expires = passwordExpiresAt(account, maxAgeDays);
  return !expires || expires.getTime() <= now.getTime();
}

/** Staff operations say why; the reason is shown in the log (and to members where it concerns them). */
export function requireReason(reason: string | null | undefined, field = 'reason'): string {
  const text = reason?.trim() ?? '';
  if (text.length < 3 || text.length > 500)
    throw badInput('Give a reason of 3 to 500 characters; it is kept in the staff operation log.', field);
  return text;
}

const view = (deps: StaffDeps, account: StaffAccount): StaffView => ({
  ...account,
  passwordExpiresAt: passwordExpiresAt(account, deps.passwordMaxAgeDays),
});

async function issue(deps: StaffDeps, account: StaffAccount): Promise<StaffSignIn> {
  const scopes = scopesOf(account.scopes);
  // The token holds while the account stays at this session version (roles, password, disabling move it on).
  const { token, expiresAt } = await issueAccessToken(
    { sub: account.id, kind: 'staff', scope: scopes.join(' '), sid: String(account.sessionVersion) },
    deps.jwtSecret,
    {
      ttlSeconds: deps.accessTokenTtlSeconds,
      now: deps.now(),
    },
  );
  return { accessToken: token, expiresAt, scopes, passwordChangeRequired: false, staff: view(deps, account) };
}

/**
 * Checks a staff member's email and password (wrong ones count towards a growing lock)
 * and returns the account when they are right.
 */
async function authenticate(deps: StaffDeps, email: string, password: string): Promise<StaffAccount> {
  const account = await deps.staff.byEmail(normaliseEmail(email));
  if (!account) {
    await verifyPassword(password, await DUMMY_HASH);
    throw unauthenticated(WRONG_CREDENTIALS);
  }
  const now = deps.now();
  const locked = secondsLocked(account.lockedUntil, now);
  if (locked > 0) throw lockedError(locked);
  if (!(await verifyPassword(password, account.passwordHash))) {
    const after = await deps.transaction((tx) =>
      tx.staff.recordFailedLogin(account.id, (state) => afterFailedLogin(state, deps.lockout, now)),
    );
    const nowLocked = secondsLocked(after?.lockedUntil ?? null, now);
    if (nowLocked > 0) throw lockedError(nowLocked);
    throw unauthenticated(WRONG_CREDENTIALS);
  }
  if (account.disabledAt) throw forbidden('This staff account is disabled. Ask an admin.');
  if (account.failedLogins > 0 || account.lockCount > 0 || account.lockedUntil) await deps.staff.clearFailedLogins(account.id);
  return account;
}

/**
 * Signs a staff member in with a token carrying their roles' scopes. With a temporary or
 * expired password there is no token: the answer says to change the password first.
 */
export async function staffLogin(deps: StaffDeps, input: { email: string; password: string }): Promise<StaffSignIn> {
  const account = await authenticate(deps, input.email, input.password);
  if (mustChangePassword(account, deps.now(), deps.passwordMaxAgeDays)) {
    return { accessToken: null, expiresAt: null, scopes: [], passwordChangeRequired: true, staff: view(deps, account) };
  }
  return issue(deps, account);
}

/** Changes a staff member's password (the way out of an expired one) and signs them in. */
export async function changeStaffPassword(
  deps: StaffDeps,
  input: { email: string; currentPassword: string; newPassword: string },
  requestId?: string,
): Promise<StaffSignIn> {
  const account = await authenticate(deps, input.email, input.currentPassword);
  checkPassword(input.newPassword, { email: account.email }, 'newPassword');
  if (input.newPassword === input.currentPassword) throw badInput('Choose a password different from your current one.', 'newPassword');
  const now = deps.now();
  const passwordHash = await hashPassword(input.newPassword);
  // The change and its log entry (never the password) commit together.
  await deps.transaction(async (tx) => {
    await tx.staff.changePassword(account.id, passwordHash, now);
    await tx.operations.record({
      actor: { kind: 'staff', id: account.id },
      at: now,
      requestId,
      operation: 'staff.password.change',
      target: { type: 'staff', id: account.id },
    });
  });
  const changed = await deps.staff.byId(account.id);
  if (!changed) throw unauthenticated(WRONG_CREDENTIALS);
  return issue(deps, changed);
}

async function checkRoles(deps: StaffDeps, names: readonly string[]): Promise<string[]> {
  const unique = [...new Set(names.map((n) => n.trim()))];
  if (unique.length === 0) throw badInput('Give at least one role.', 'roles');
  const existing = await deps.staff.existingRoles(unique);
  const unknown = unique.filter((n) => !existing.has(n));
  if (unknown.length > 0) {
    const known = (await deps.staff.roles()).map((r) => r.name).join(', ');
    throw badInput(`Unknown role${unknown.length === 1 ? '' : 's'}: ${unknown.join(', ')}. Roles are: ${known}.`, 'roles');
  }
  return unique;
}

export interface CreateStaffInput {
  email: string;
  displayName: string;
  roles: string[];
  reason: string;
}

/** A staff account as the API shows it after a change: with the role grant waiting for a second admin, if any. */
export type StaffChange = StaffView & { pendingRoleGrant: StaffRoleGrant | null };

/**
 * The scopes `actor` holds now, from the database (not the token): a staff member whose
 * account is gone or disabled grants nothing. An operator's command holds every scope.
 */
async function actorScopes(deps: StaffDeps, actor: Actor): Promise<Set<string> | 'all'> {
  if (actor.kind === 'system') return 'all';
  const account = await deps.staff.byId(actor.id);
  if (!account || account.disabledAt) throw forbidden('Your staff account is disabled or gone.');
  return new Set(scopesOf(account.scopes));
}

/**
 * What giving `roleNames` to someone who holds `currentRoles` needs from `actor`: every new
 * scope but pii:*:read must be one the actor holds (FORBIDDEN naming those it lacks); new
 * pii:*:read scopes are returned, since they wait for a second admin.
 */
async function checkGrant(
  deps: StaffDeps,
  actor: Actor,
  roleNames: readonly string[],
  currentRoles: readonly string[],
  roles: RoleRow[],
): Promise<string[]> {
  const held = await actorScopes(deps, actor);
  const check = grantCheck(roles, roleNames, currentRoles, held === 'all' ? undefined : held);
  if (check.notHeld.length > 0) {
    throw forbidden(`You cannot grant scopes you do not hold: ${check.notHeld.join(', ')}. Ask a staff member who holds them.`);
  }
  return actor.kind === 'system' ? [] : check.needsApproval;
}

/**
 * Creates a staff account. The system generates the temporary password and sends it to the
 * new staff member's work email; the creator never sees or chooses it. Roles whose scopes the
 * creator does not hold are refused; a role giving a pii:*:read scope waits for a second
 * admin (the account starts without roles until then). Logged with the reason.
 */
export async function createStaff(
  deps: StaffDeps,
  actor: Actor,
  input: CreateStaffInput,
  requestId?: string,
  /** Only `npm run admin:create`: the operator's own first password. */
  operatorPassword?: string,
): Promise<StaffChange> {
  const email = normaliseEmail(input.email);
  const displayName = validateDisplayName(input.displayName);
  const reason = requireReason(input.reason);
  const roleNames = await checkRoles(deps, input.roles);
  const needsApproval = await checkGrant(deps, actor, roleNames, [], await deps.staff.roles());
  if (await deps.staff.byEmail(email)) throw conflict('A staff account with this email address already exists.', 'email');
  const temporaryPassword = operatorPassword ?? generatePassword();
  if (operatorPassword) checkPassword(operatorPassword, { email }, 'password');
  const now = deps.now();
  const row = {
    id: randomUUID(),
    email,
    displayName,
    passwordHash: await hashPassword(temporaryPassword),
    passwordChangedAt: null,
    failedLogins: 0,
    lockCount: 0,
    lockedUntil: null,
    disabledAt: null,
    createdAt: now,
    sessionVersion: 1,
  };
  const grant: StaffRoleGrant | null =
    needsApproval.length > 0 && actor.kind === 'staff' ? pendingGrant(row.id, roleNames, needsApproval, actor.id, reason, now) : null;
  const given = grant ? [] : roleNames;
  try {
    // The account, its roles, the grant waiting for approval and the log entry commit together.
    const account = await deps.transaction(async (tx) => {
      const created = await tx.staff.create(row, given);
      if (grant) await tx.staff.createGrant(grant);
      await tx.operations.record({
        actor,
        reason,
        requestId,
        at: now,
        operation: 'staff.create',
        target: { type: 'staff', id: row.id },
        after: {
          email: row.email,
          displayName: row.displayName,
          roles: [...given].sort(),
          ...(grant ? { awaitingApproval: grantSummary(grant) } : {}),
        },
      });
      return created;
    });
    if (!operatorPassword) {
      await deps.notifier.send({
        channel: 'email',
        to: email,
        recipientLookup: lookupHash(deps.ring, 'email', email),
        template: 'staff-temporary-password',
        body: `A staff account was created for you. Your temporary password is ${temporaryPassword}. Sign in with staffLogin and choose your own; the temporary one works only for that.`,
      });
    }
    return { ...view(deps, account), pendingRoleGrant: grant };
  } catch (error) {
    if (error instanceof AlreadyExists) throw conflict('A staff account with this email address already exists.', 'email');
    throw error;
  }
}

function pendingGrant(
  staffId: string,
  roles: string[],
  sensitiveScopes: string[],
  requestedBy: string,
  reason: string,
  at: Date,
): StaffRoleGrant {
  return {
    id: randomUUID(),
    staffId,
    roles: [...roles].sort(),
    sensitiveScopes,
    requestedBy,
    requestedAt: at,
    reason,
    status: 'pending',
    decidedBy: null,
    decidedAt: null,
  };
}

const grantSummary = (grant: StaffRoleGrant) => ({ grantId: grant.id, roles: grant.roles, scopes: grant.sensitiveScopes });

/**
 * Replaces a staff member's roles. Nobody changes their own roles, nor grants a scope they do
 * not hold; a change that gives a new pii:*:read scope waits for a second admin and changes
 * nothing until then. The staff member's tokens stop working at once (session version).
 */
export async function setStaffRoles(
  deps: StaffDeps,
  actor: Actor,
  input: { staffId: string; roles: string[]; reason: string },
  requestId?: string,
): Promise<StaffChange> {
  if (actor.kind === 'staff' && actor.id === input.staffId) throw forbidden('You cannot change your own roles; ask another admin.');
  const reason = requireReason(input.reason);
  const roleNames = await checkRoles(deps, input.roles);
  const current = await deps.staff.byId(input.staffId);
  if (!current) throw notFound('There is no staff account with this id.');
  const needsApproval = await checkGrant(deps, actor, roleNames, current.roles, await deps.staff.roles());
  const note: OperationNote = { actor, reason, requestId, at: deps.now() };
  if (needsApproval.length > 0 && actor.kind === 'staff') {
    const grant = pendingGrant(input.staffId, roleNames, needsApproval, actor.id, reason, note.at);
    await deps.transaction(async (tx) => {
      await tx.staff.createGrant(grant);
      await tx.operations.record({
        ...note,
        operation: 'staff.roles.request',
        target: { type: 'staff', id: input.staffId },
        before: { roles: current.roles },
        after: { roles: grant.roles, awaitingApproval: grantSummary(grant) },
      });
    });
    return { ...view(deps, current), pendingRoleGrant: grant };
  }
  // Before and after are read and logged under a lock on the account, with the change.
  const account = await deps.transaction(async (tx) => {
    const before = await tx.staff.lockById(input.staffId);
    if (!before) return undefined;
    const after = await tx.staff.replaceRoles(input.staffId, roleNames, note.at);
    await tx.operations.record({
      ...note,
      operation: 'staff.roles.set',
      target: { type: 'staff', id: input.staffId },
      before: { roles: before.roles },
      after: { roles: [...roleNames].sort() },
    });
    return after;
  });
  if (!account) throw notFound('There is no staff account with this id.');
  return { ...view(deps, account), pendingRoleGrant: null };
}

/**
 * A second admin decides a role grant that gives a pii:*:read scope. Neither the admin who
 * asked nor the staff member it is for may decide it. Approving sets the roles (and ends the
 * staff member's tokens); both the request and the decision are in the staff operation log.
 */
export async function decideStaffRoleGrant(
  deps: StaffDeps,
  actor: Actor,
  input: { grantId: string; approve: boolean; reason: string },
  requestId?: string,
): Promise<StaffChange> {
  const reason = requireReason(input.reason);
  if (actor.kind === 'staff') await actorScopes(deps, actor);
  const at = deps.now();
  const result = await deps.transaction(async (tx) => {
    const grant = await tx.staff.lockGrant(input.grantId);
    if (!grant) throw notFound('There is no role grant with this id.');
    if (grant.status !== 'pending') throw conflict(`This role grant was already ${grant.status}.`);
    if (actor.id === grant.requestedBy) throw forbidden('A second admin must decide this: you asked for it.');
    if (actor.id === grant.staffId) throw forbidden('You cannot decide a role grant for yourself.');
    const before = await tx.staff.lockById(grant.staffId);
    if (!before) throw notFound('There is no staff account with this id.');
    await tx.staff.decideGrant(grant.id, input.approve ? 'approved' : 'rejected', actor.id, at);
    const after = input.approve ? await tx.staff.replaceRoles(grant.staffId, grant.roles, at) : before;
    await tx.operations.record({
      actor,
      reason,
      requestId,
      at,
      operation: input.approve ? 'staff.roles.approve' : 'staff.roles.reject',
      target: { type: 'staff', id: grant.staffId },
      before: { roles: before.roles },
      after: { roles: after?.roles ?? before.roles, grantId: grant.id, requestedBy: grant.requestedBy, scopes: grant.sensitiveScopes },
    });
    return after ?? before;
  });
  return { ...view(deps, result), pendingRoleGrant: null };
}

/** Disables a staff account: no sign-in, and its tokens stop at the next request. Nobody disables themselves. */
export async function disableStaff(
  deps: StaffDeps,
  actor: Actor,
  input: { staffId: string; reason: string },
  requestId?: string,
): Promise<StaffView> {
  if (actor.kind === 'staff' && actor.id === input.staffId) throw forbidden('You cannot disable your own account; ask another admin.');
  const reason = requireReason(input.reason);
  const at = deps.now();
  const account = await deps.transaction(async (tx) => {
    const before = await tx.staff.lockById(input.staffId);
    if (!before) return undefined;
    if (before.disabledAt) return before;
    await tx.staff.disable(input.staffId, at);
    await tx.operations.record({
      actor,
      reason,
      requestId,
      at,
      operation: 'staff.disable',
      target: { type: 'staff', id: input.staffId },
      before: { disabled: false, roles: before.roles },
      after: { disabled: true },
    });
    return { ...before, disabledAt: at };
  });
  if (!account) throw notFound('There is no staff account with this id.');
  return view(deps, account);
}

/** A random password that passes the policy, for an admin created without one. */
export function generatePassword(): string {
  for (;;) {
    const candidate = `${randomBytes(15).toString('base64url')}-7a`;
    try {
      checkPassword(candidate);
      return candidate;
    } catch {
      // Extremely rare: try again.
    }
  }
}

/**
 * `npm run admin:create`: makes sure the default roles exist and creates an admin with a
 * temporary password (the one given, or a generated one), to be changed at first sign-in.
 */
export async function createFirstAdmin(
  deps: StaffDeps,
  input: { email: string; displayName: string; password?: string },
): Promise<{ staff: StaffView; password: string; generated: boolean }> {
  await ensureDefaultRoles(deps);
  const password = input.password || generatePassword();
  const staff = await createStaff(
    deps,
    { kind: 'system', id: 'admin:create' },
    { email: input.email, displayName: input.displayName, roles: ['admin'], reason: 'First admin, created with npm run admin:create' },
    undefined,
    password,
  );
  return { staff, password, generated: !input.password };
}

/** Writes the default roles and their scopes where they are missing; an operator's edits stay. */
export function ensureDefaultRoles(deps: Pick<StaffDeps, 'transaction'>): Promise<void> {
  return deps.transaction((tx) => tx.staff.ensureRoles(DEFAULT_ROLES));
}

/** A staff account by id, as the API shows it; undefined when there is none. */
export async function staffById(deps: StaffDeps, id: string): Promise<StaffView | undefined> {
  const account = await deps.staff.byId(id);
  return account ? view(deps, account) : undefined;
}
