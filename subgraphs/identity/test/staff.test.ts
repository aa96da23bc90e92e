import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger } from '@membership/config';
import { sql } from '@membership/db';
import { TEST_ENV, type TestStack } from '@membership/testing';
import { useTestStack } from '@membership/testing/per-file';
import { adminCreate } from '../src/commands/admin-create.js';
import { createKeyRing, lookupHash } from '../src/domain/encryption.js';
import { createFirstAdmin } from '../src/domain/staff.js';
import { loadIdentityEnv } from '../src/env.js';
import { systemServices } from '../src/services.js';

// Near real time: the gateway checks access tokens against the wall clock.
let clock = new Date();
const advanceDays = (days: number) => (clock = new Date(clock.getTime() + days * 86_400_000));
let stack: TestStack;
// Each test a second later, so the log's newest-first order is visible between tests.
// The gateway keeps identity's word on a session for 300 ms here (seconds by default).
const SESSION_TTL_MS = 300;
useTestStack({
  now: () => clock,
  beforeEachTest: () => (clock = new Date(clock.getTime() + 1000)),
  started: (s) => (stack = s),
  env: { SESSION_CHECK_TTL_MS: String(SESSION_TTL_MS) },
});
const pastSessionCache = () => new Promise((resolve) => setTimeout(resolve, SESSION_TTL_MS + 100));
const ring = createKeyRing(loadIdentityEnv({ ...TEST_ENV }));

const STAFF_LOGIN = `mutation ($email: String!, $password: String!) {
  staffLogin(email: $email, password: $password) { accessToken scopes passwordChangeRequired staff { id email roles passwordExpiresAt } }
}`;
const CHANGE = `mutation ($email: String!, $current: String!, $next: String!) {
  changeStaffPassword(email: $email, currentPassword: $current, newPassword: $next) { accessToken scopes passwordChangeRequired staff { id passwordExpiresAt } }
}`;
const GRANT = 'pendingRoleGrant { id roles scopes requestedBy reason }';
const CREATE = `mutation ($input: CreateStaffInput!) { createStaff(input: $input) { id email displayName roles passwordExpiresAt ${GRANT} } }`;
const SET_ROLES = `mutation ($id: ID!, $roles: [String!]!, $reason: String!) { setStaffRoles(staffId: $id, roles: $roles, reason: $reason) { id roles ${GRANT} } }`;
const APPROVE = `mutation ($id: ID!, $reason: String!) { approveStaffRoleGrant(id: $id, reason: $reason) { id roles ${GRANT} } }`;
const DISABLE = `mutation ($id: ID!, $reason: String!) { disableStaff(staffId: $id, reason: $reason) { id disabledAt } }`;
const LOG = `query ($first: Int, $after: String) {
  staffOperationLog(first: $first, after: $after) {
    edges { node { occurredAt actorKind actorId subgraph operation targetType targetId before after reason requestId } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const codeOf = (res: { body: { errors?: { extensions?: { code?: string } }[] } }) => res.body.errors?.[0]?.extensions?.code;
const OLGA = { email: 'olga@ops.example.org', temporary: 'Temporary-pass-001', chosen: 'Harbour-north-51' };
const PIA = { email: 'pia@ops.example.org', chosen: 'Harbour-inner-73' };
const RUI = { email: 'rui@ops.example.org', chosen: 'Harbour-south-62' };

/** The temporary password in the newest message the development notifier wrote to this work email. */
async function temporaryPasswordOf(email: string): Promise<string> {
  const [row] = await stack.database.rows<{ body: string }>(
    sql`select body from identity.notifications_outbox where recipient_lookup = ${lookupHash(ring, 'email', email)} and template = 'staff-temporary-password'
        order by created_at desc limit 1`,
  );
  const password = /temporary password is (\S+)\./.exec(row?.body ?? '')?.[1];
  if (!password) throw new Error(`no temporary password was sent to ${email}`);
  return password;
}

async function count(table: string): Promise<number> {
  const [row] = await stack.database.rows<{ n: string | number }>(sql.raw(`select count(*) as n from identity.${table}`));
  return Number(row?.n);
}
async function signInStaff(email: string, password: string): Promise<string> {
  const res = await stack.gql(STAFF_LOGIN, { email, password });
  expect(res.body.errors).toBeUndefined();
  expect(res.body.data.staffLogin.passwordChangeRequired).toBe(false);
  return res.body.data.staffLogin.accessToken;
}
let olgaToken = '';

describe('the first admin', () => {
  it('Olga, created by admin:create, gets no token until she replaces her temporary password', async () => {
    const deps = systemServices({
      database: stack.database,
      env: { ...TEST_ENV },
      logger: createLogger('test', 'silent'),
      now: () => clock,
    }).staff;
    const created = await createFirstAdmin(deps, { email: OLGA.email, displayName: 'Olga', password: OLGA.temporary });
    expect(created.staff.roles).toEqual(['admin']);

    const first = await stack.gql(STAFF_LOGIN, { email: OLGA.email, password: OLGA.temporary });
    expect(first.body.errors).toBeUndefined();
    expect(first.body.data.staffLogin).toMatchObject({
      accessToken: null,
      scopes: [],
      passwordChangeRequired: true,
      staff: { passwordExpiresAt: null },
    });

    const changed = await stack.gql(CHANGE, { email: OLGA.email, current: OLGA.temporary, next: OLGA.chosen });
    expect(changed.body.errors).toBeUndefined();
    const payload = changed.body.data.changeStaffPassword;
    expect(payload.passwordChangeRequired).toBe(false);
    expect(payload.scopes).toEqual(expect.arrayContaining(['staff:manage', 'audit:read', 'schema:read']));
    expect(Date.parse(payload.staff.passwordExpiresAt) - clock.getTime()).toBe(90 * 86_400_000);
    olgaToken = payload.accessToken;

    const me = await stack.gql('{ currentStaff { email roles } }', {}, { token: olgaToken });
    expect(me.body.data.currentStaff).toEqual({ email: OLGA.email, roles: ['admin'] });
    expect(codeOf(await stack.gql(STAFF_LOGIN, { email: OLGA.email, password: OLGA.temporary }))).toBe('UNAUTHENTICATED');
  });
});

let piaToken = '';
let ruiId = '';

describe('staff accounts and roles', () => {
  it("Olga (admin) creates Pia as a second admin: the system makes Pia's temporary password and sends it to her; Olga never sees it", async () => {
    const res = await stack.gql(
      CREATE,
      { input: { email: PIA.email, displayName: 'Pia', roles: ['admin'], reason: 'Second admin, OPS-6' } },
      { token: olgaToken },
    );
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.createStaff).toMatchObject({
      email: PIA.email,
      roles: ['admin'],
      passwordExpiresAt: null,
      pendingRoleGrant: null,
    });
    expect(JSON.stringify(res.body)).not.toMatch(/temporary/i);
    const temporary = await temporaryPasswordOf(PIA.email);
    expect(temporary.length).toBeGreaterThanOrEqual(12);
    const changed = await stack.gql(CHANGE, { email: PIA.email, current: temporary, next: PIA.chosen });
    expect(changed.body.errors).toBeUndefined();
    piaToken = changed.body.data.changeStaffPassword.accessToken;
  });

  it("Olga can no longer choose a new staff member's password: the input has no such field", async () => {
    const before = await count('staff');
    const res = await stack.gql(
      CREATE,
      {
        input: {
          email: 'x@ops.example.org',
          displayName: 'X',
          roles: ['support'],
          temporaryPassword: 'Temporary-pass-009',
          reason: 'New hire',
        },
      },
      { token: olgaToken },
    );
    expect(codeOf(res)).toBe('BAD_USER_INPUT');
    expect(await count('staff')).toBe(before);
  });

  it('Olga creates Rui as a reviewer: identity data in full needs a second admin, so Rui holds no role until Pia approves; Olga cannot approve her own request', async () => {
    const res = await stack.gql(
      CREATE,
      { input: { email: 'Rui@Ops.example.org', displayName: 'Rui', roles: ['reviewer'], reason: 'New hire, ticket OPS-7' } },
      { token: olgaToken },
    );
    expect(res.body.errors).toBeUndefined();
    const created = res.body.data.createStaff;
    expect(created).toMatchObject({
      email: RUI.email,
      roles: [],
      pendingRoleGrant: { roles: ['reviewer'], scopes: ['pii:identity:read'], reason: 'New hire, ticket OPS-7' },
    });
    ruiId = created.id;

    const temporary = await temporaryPasswordOf(RUI.email);
    expect((await stack.gql(STAFF_LOGIN, { email: RUI.email, password: temporary })).body.data.staffLogin.passwordChangeRequired).toBe(
      true,
    );
    const changed = await stack.gql(CHANGE, { email: RUI.email, current: temporary, next: RUI.chosen });
    expect(changed.body.data.changeStaffPassword.scopes).toEqual([]);

    const own = await stack.gql(APPROVE, { id: created.pendingRoleGrant.id, reason: 'Looks right' }, { token: olgaToken });
    expect(codeOf(own)).toBe('FORBIDDEN');
    const approved = await stack.gql(
      APPROVE,
      { id: created.pendingRoleGrant.id, reason: 'Checked the hire ticket OPS-7' },
      { token: piaToken },
    );
    expect(approved.body.errors).toBeUndefined();
    expect(approved.body.data.approveStaffRoleGrant).toMatchObject({ roles: ['reviewer'], pendingRoleGrant: null });
    const again = await stack.gql(APPROVE, { id: created.pendingRoleGrant.id, reason: 'Twice' }, { token: piaToken });
    expect(codeOf(again)).toBe('CONFLICT');

    const token = await signInStaff(RUI.email, RUI.chosen);
    const scopes = (await stack.gql(STAFF_LOGIN, { email: RUI.email, password: RUI.chosen })).body.data.staffLogin.scopes;
    expect(scopes).toContain('verification:review');
    expect(scopes).not.toContain('staff:manage');
    expect((await stack.gql('{ currentStaff { roles } }', {}, { token })).body.data.currentStaff.roles).toEqual(['reviewer']);
  });

  it('Rui (reviewer) cannot create staff: FORBIDDEN, and nothing is written', async () => {
    const token = await signInStaff(RUI.email, RUI.chosen);
    const [staff, log] = [await count('staff'), await count('staff_operation_log')];
    const res = await stack.gql(
      CREATE,
      { input: { email: 'mallory@ops.example.org', displayName: 'M', roles: ['admin'], reason: 'because' } },
      { token },
    );
    expect(codeOf(res)).toBe('FORBIDDEN');
    expect([await count('staff'), await count('staff_operation_log')]).toEqual([staff, log]);
  });

  it('Hal, who may manage staff but holds nothing else, cannot give anyone a scope he does not hold, nor make an admin: FORBIDDEN naming the scopes, nothing written', async () => {
    await stack.database.rows(sql`insert into identity.roles (name, description) values ('staffer', 'Creates staff accounts')`);
    await stack.database.rows(
      sql`insert into identity.role_scopes (role_name, scope) values ('staffer', 'staff:manage'), ('staffer', 'members:read')`,
    );
    const hal = await stack.gql(
      CREATE,
      { input: { email: 'hal@ops.example.org', displayName: 'Hal', roles: ['staffer'], reason: 'Team lead' } },
      { token: olgaToken },
    );
    expect(hal.body.errors).toBeUndefined();
    await stack.gql(CHANGE, {
      email: 'hal@ops.example.org',
      current: await temporaryPasswordOf('hal@ops.example.org'),
      next: 'Harbour-outer-95',
    });
    const halToken = await signInStaff('hal@ops.example.org', 'Harbour-outer-95');

    const [staff, log] = [await count('staff'), await count('staff_operation_log')];
    const admin = await stack.gql(
      CREATE,
      { input: { email: 'friend@ops.example.org', displayName: 'Friend', roles: ['admin'], reason: 'A friend' } },
      { token: halToken },
    );
    expect(codeOf(admin)).toBe('FORBIDDEN');
    expect(admin.body.errors?.[0]?.message).toMatch(/cannot grant scopes you do not hold: .*audit:read/);
    const raise = await stack.gql(SET_ROLES, { id: ruiId, roles: ['reviewer', 'finance'], reason: 'More work' }, { token: halToken });
    expect(codeOf(raise)).toBe('FORBIDDEN');
    expect(raise.body.errors?.[0]?.message).toMatch(/orders:refund/);
    expect([await count('staff'), await count('staff_operation_log')]).toEqual([staff, log]);
  });

  it.each([
    ['an unknown role', { roles: ['wizard'] }, 'roles'],
    ['no role', { roles: [] }, 'roles'],
    ['no reason', { reason: ' ' }, 'reason'],
    ['a malformed email', { email: 'tess' }, 'email'],
  ])('Olga creating staff with %s is BAD_USER_INPUT naming the field, and nothing is written', async (_what, change, field) => {
    const input = { email: 'tess@ops.example.org', displayName: 'Tess', roles: ['auditor'], reason: 'New hire', ...change };
    const [staff, log] = [await count('staff'), await count('staff_operation_log')];
    const res = await stack.gql(CREATE, { input }, { token: olgaToken });
    expect(codeOf(res)).toBe('BAD_USER_INPUT');
    expect(res.body.errors?.[0]?.extensions?.field).toBe(field);
    expect([await count('staff'), await count('staff_operation_log')]).toEqual([staff, log]);
  });

  it("Olga creating a second account for Rui's email is CONFLICT", async () => {
    const res = await stack.gql(
      CREATE,
      { input: { email: RUI.email, displayName: 'Rui 2', roles: ['auditor'], reason: 'duplicate' } },
      { token: olgaToken },
    );
    expect(codeOf(res)).toBe('CONFLICT');
  });

  it("Olga also makes Rui support (behaviour in full: Pia approves); Rui's token from before the change stops working; she cannot change her own roles", async () => {
    const before = await signInStaff(RUI.email, RUI.chosen);
    const res = await stack.gql(
      SET_ROLES,
      { id: ruiId, roles: ['reviewer', 'support'], reason: 'Covers the support queue, OPS-9' },
      { token: olgaToken },
    );
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.setStaffRoles).toMatchObject({
      roles: ['reviewer'],
      pendingRoleGrant: { roles: ['reviewer', 'support'], scopes: ['pii:behaviour:read'] },
    });
    const approved = await stack.gql(
      APPROVE,
      { id: res.body.data.setStaffRoles.pendingRoleGrant.id, reason: 'Support rota OPS-9' },
      { token: piaToken },
    );
    expect(approved.body.data.approveStaffRoleGrant.roles).toEqual(['reviewer', 'support']);

    await pastSessionCache();
    const stale = await stack.gql('{ currentStaff { roles } }', {}, { token: before });
    expect(stale.status).toBe(401);
    expect(codeOf(stale)).toBe('UNAUTHENTICATED');
    const token = await signInStaff(RUI.email, RUI.chosen);
    const members = await stack.gql('{ members(first: 2) { edges { node { displayName } } } }', {}, { token });
    expect(members.body.errors).toBeUndefined();

    const olga = (await stack.gql('{ currentStaff { id } }', {}, { token: olgaToken })).body.data.currentStaff;
    const own = await stack.gql(SET_ROLES, { id: olga.id, roles: ['auditor'], reason: 'Stepping down' }, { token: olgaToken });
    expect(codeOf(own)).toBe('FORBIDDEN');
  });

  it('roles are data: a scope an operator adds to auditor is in the next auditor token', async () => {
    const roles = await stack.gql('{ roles { name scopes } }', {}, { token: olgaToken });
    expect(roles.body.data.roles.map((r: { name: string }) => r.name)).toEqual([
      'admin',
      'auditor',
      'finance',
      'moderator',
      'partnerships',
      'reviewer',
      'staffer',
      'support',
    ]);
    await stack.database.rows(sql`insert into identity.role_scopes (role_name, scope) values ('auditor', 'orders:read')`);
    const created = await stack.gql(
      CREATE,
      { input: { email: 'sam@ops.example.org', displayName: 'Sam', roles: ['auditor'], reason: 'External audit 2026' } },
      { token: olgaToken },
    );
    expect(created.body.errors).toBeUndefined();
    const changed = await stack.gql(CHANGE, {
      email: 'sam@ops.example.org',
      current: await temporaryPasswordOf('sam@ops.example.org'),
      next: 'Harbour-east-733',
    });
    expect(changed.body.data.changeStaffPassword.scopes).toEqual(['audit:read', 'members:read', 'orders:read', 'schema:read']);
  });
});

describe('the staff operation log', () => {
  it('Sam (auditor) reads who did what, newest first, with before and after and the reason; no password is in it', async () => {
    const token = await signInStaff('sam@ops.example.org', 'Harbour-east-733');
    const res = await stack.gql(LOG, { first: 50 }, { token });
    expect(res.body.errors).toBeUndefined();
    const nodes = res.body.data.staffOperationLog.edges.map((e: { node: Record<string, unknown> }) => e.node);
    const times = nodes.map((n: { occurredAt: string }) => Date.parse(n.occurredAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(nodes).toContainEqual(
      expect.objectContaining({ operation: 'staff.password.change', actorKind: 'staff', subgraph: 'identity', targetType: 'staff' }),
    );

    const request = nodes.find((n: { operation: string }) => n.operation === 'staff.roles.request');
    expect(request).toMatchObject({ actorKind: 'staff', reason: 'Covers the support queue, OPS-9' });
    expect(JSON.parse(request.before)).toEqual({ roles: ['reviewer'] });
    expect(JSON.parse(request.after)).toMatchObject({
      roles: ['reviewer', 'support'],
      awaitingApproval: { scopes: ['pii:behaviour:read'] },
    });
    const roleChange = nodes.find(
      (n: { operation: string }) => n.operation === 'staff.roles.approve' && (n as { reason?: string }).reason === 'Support rota OPS-9',
    );
    expect(roleChange.actorId).not.toBe(request.actorId);
    expect(JSON.parse(roleChange.before)).toEqual({ roles: ['reviewer'] });
    expect(JSON.parse(roleChange.after)).toMatchObject({
      roles: ['reviewer', 'support'],
      requestedBy: request.actorId,
      scopes: ['pii:behaviour:read'],
    });
    expect(roleChange.requestId).toBeTruthy();
    const firstAdmin = nodes.findIndex((n: { actorKind: string }) => n.actorKind === 'system');
    expect(nodes[firstAdmin]).toMatchObject({
      operation: 'staff.create',
      actorId: 'admin:create',
      reason: expect.stringMatching(/admin:create/),
    });
    expect(JSON.parse(nodes[firstAdmin].after)).toEqual({ email: OLGA.email, displayName: 'Olga', roles: ['admin'] });
    expect(nodes.indexOf(roleChange)).toBeLessThan(firstAdmin);
    expect(JSON.stringify(nodes)).not.toMatch(/Temporary-pass|Harbour-|temporary password/);
  });

  it('the log pages with a cursor without repeating or skipping an entry', async () => {
    const token = await signInStaff('sam@ops.example.org', 'Harbour-east-733');
    const all = (await stack.gql(LOG, { first: 100 }, { token })).body.data.staffOperationLog.edges;
    const one = (await stack.gql(LOG, { first: 3 }, { token })).body.data.staffOperationLog;
    const two = (await stack.gql(LOG, { first: 100, after: one.pageInfo.endCursor }, { token })).body.data.staffOperationLog;
    expect(one.pageInfo.hasNextPage).toBe(true);
    expect([...one.edges, ...two.edges]).toEqual(all);
  });

  it('Rui (reviewer) and Ana (member) cannot read the staff operation log', async () => {
    const rui = await stack.gql(LOG, { first: 5 }, { token: await signInStaff(RUI.email, RUI.chosen) });
    expect(codeOf(rui)).toBe('FORBIDDEN');
    const ana = await stack.gql(LOG, { first: 5 }, { token: await stack.memberToken(stack.demo[0].id) });
    expect(codeOf(ana)).toBe('FORBIDDEN');
  });
});

describe('staff sign-in', () => {
  it("Rui's password, 91 days old, must be changed before he gets a token again", async () => {
    advanceDays(91);
    const res = await stack.gql(STAFF_LOGIN, { email: RUI.email, password: RUI.chosen });
    expect(res.body.data.staffLogin).toMatchObject({ accessToken: null, passwordChangeRequired: true });
    const changed = await stack.gql(CHANGE, { email: RUI.email, current: RUI.chosen, next: 'Harbour-west-844' });
    expect(changed.body.data.changeStaffPassword.accessToken).toBeTruthy();
  });

  it("five wrong passwords lock Sam's staff account, even from the right password", async () => {
    for (let i = 0; i < 4; i++)
      expect(codeOf(await stack.gql(STAFF_LOGIN, { email: 'sam@ops.example.org', password: 'Wrong-password-1' }))).toBe('UNAUTHENTICATED');
    expect(codeOf(await stack.gql(STAFF_LOGIN, { email: 'sam@ops.example.org', password: 'Wrong-password-1' }))).toBe('RATE_LIMITED');
    expect(codeOf(await stack.gql(STAFF_LOGIN, { email: 'sam@ops.example.org', password: 'Harbour-east-733' }))).toBe('RATE_LIMITED');
  });

  it('an unknown staff email and a wrong password get the same UNAUTHENTICATED message', async () => {
    const unknown = await stack.gql(STAFF_LOGIN, { email: 'nobody@ops.example.org', password: 'Wrong-password-1' });
    const wrong = await stack.gql(STAFF_LOGIN, { email: OLGA.email, password: 'Wrong-password-1' });
    expect(codeOf(unknown)).toBe('UNAUTHENTICATED');
    expect(unknown.body.errors?.[0]?.message).toBe(wrong.body.errors?.[0]?.message);
  });
});

describe('disabling a staff account', () => {
  it('Olga disables Rui: his token stops working on the next request after the session check, he cannot sign in, and it is logged', async () => {
    const token = await signInStaff(RUI.email, 'Harbour-west-844');
    expect((await stack.gql('{ currentStaff { id } }', {}, { token })).status).toBe(200);
    const self = await stack.gql(DISABLE, { id: ruiId, reason: 'Leaving' }, { token });
    expect(codeOf(self)).toBe('FORBIDDEN');
    const res = await stack.gql(DISABLE, { id: ruiId, reason: 'Left the company, OPS-12' }, { token: olgaToken });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.disableStaff.disabledAt).toBeTruthy();

    await pastSessionCache();
    const refused = await stack.gql('{ members(first: 1) { edges { node { id } } } }', {}, { token });
    expect(refused.status).toBe(401);
    expect(refused.body.errors?.[0]?.message).toMatch(/disabled/);
    const login = await stack.gql(STAFF_LOGIN, { email: RUI.email, password: 'Harbour-west-844' });
    expect(codeOf(login)).toBe('FORBIDDEN');
    const log = (await stack.gql(LOG, { first: 5 }, { token: olgaToken })).body.data.staffOperationLog.edges.map(
      (e: { node: { operation: string } }) => e.node,
    );
    expect(log[0]).toMatchObject({ operation: 'staff.disable', targetId: ruiId, reason: 'Left the company, OPS-12' });
  });
});

describe('npm run admin:create', () => {
  it('an operator creates the first admin on a fresh database and sees her temporary password once; running it again for her email is refused', async () => {
    // In this process: spawning `npx tsx` twice (a TypeScript compile and a PGlite start each)
    // took longer than a minute on a busy machine. The command's own code is what runs.
    const dir = mkdtempSync(join(tmpdir(), 'admin-create-'));
    const env = { ...TEST_ENV, LOG_LEVEL: 'silent', PGLITE_DIR: dir };
    const run = async (args: string[]) => {
      const output = { stdout: '', stderr: '' };
      const code = await adminCreate(args, env, { out: (t) => (output.stdout += t), err: (t) => (output.stderr += t) });
      return { code, ...output };
    };
    try {
      const first = await run(['--email', 'Ops@Example.org', '--name', 'Ops Lead']);
      expect(first.code).toBe(0);
      expect(first.stdout).toMatch(/Created admin ops@example\.org .* with roles: admin\./);
      expect(first.stdout).toMatch(/Temporary password \(shown once\): \S{12,}/);
      expect(await run(['--email', 'ops@example.org'])).toMatchObject({ code: 1, stderr: expect.stringMatching(/already exists/) });
      expect((await run([])).code).toBe(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
