import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createLogger } from '@membership/config';
import { sql } from '@membership/db';
import { TEST_ENV, type TestStack } from '@membership/testing';
import { useTestStack } from '@membership/testing/per-file';
import { createFirstAdmin } from '../src/domain/staff.js';
import { systemServices } from '../src/services.js';

// Near real time: the gateway checks access tokens against the wall clock.
let clock = new Date();
const advanceDays = (days: number) => (clock = new Date(clock.getTime() + days * 86_400_000));
let stack: TestStack;
// Each test a second later, so the log's newest-first order is visible between tests.
useTestStack({ now: () => clock, beforeEachTest: () => (clock = new Date(clock.getTime() + 1000)), started: (s) => (stack = s) });

const STAFF_LOGIN = `mutation ($email: String!, $password: String!) {
  staffLogin(email: $email, password: $password) { accessToken scopes passwordChangeRequired staff { id email roles passwordExpiresAt } }
}`;
const CHANGE = `mutation ($email: String!, $current: String!, $next: String!) {
  changeStaffPassword(email: $email, currentPassword: $current, newPassword: $next) { accessToken scopes passwordChangeRequired staff { id passwordExpiresAt } }
}`;
const CREATE = `mutation ($input: CreateStaffInput!) { createStaff(input: $input) { id email displayName roles passwordExpiresAt } }`;
const SET_ROLES = `mutation ($id: ID!, $roles: [String!]!, $reason: String!) { setStaffRoles(staffId: $id, roles: $roles, reason: $reason) { id roles } }`;
const LOG = `query ($first: Int, $after: String) {
  staffOperationLog(first: $first, after: $after) {
    edges { node { occurredAt actorKind actorId subgraph operation targetType targetId before after reason requestId } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const codeOf = (res: { body: { errors?: { extensions?: { code?: string } }[] } }) => res.body.errors?.[0]?.extensions?.code;
const OLGA = { email: 'olga@ops.example.org', temporary: 'Temporary-pass-001', chosen: 'Harbour-north-51' };
const RUI = { email: 'rui@ops.example.org', temporary: 'Temporary-pass-002', chosen: 'Harbour-south-62' };

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
    const deps = systemServices({ database: stack.database, env: { ...TEST_ENV }, logger: createLogger('test', 'silent'), now: () => clock }).staff;
    const created = await createFirstAdmin(deps, { email: OLGA.email, displayName: 'Olga', password: OLGA.temporary });
    expect(created.staff.roles).toEqual(['admin']);

    const first = await stack.gql(STAFF_LOGIN, { email: OLGA.email, password: OLGA.temporary });
    expect(first.body.errors).toBeUndefined();
    expect(first.body.data.staffLogin).toMatchObject({ accessToken: null, scopes: [], passwordChangeRequired: true, staff: { passwordExpiresAt: null } });

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

describe('staff accounts and roles', () => {
  it('Olga (admin) creates Rui as a reviewer; once Rui sets his own password his token can review verifications but not manage staff', async () => {
    const res = await stack.gql(
      CREATE,
      { input: { email: 'Rui@Ops.example.org', displayName: 'Rui', roles: ['reviewer'], temporaryPassword: RUI.temporary, reason: 'New hire, ticket OPS-7' } },
      { token: olgaToken },
    );
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.createStaff).toMatchObject({ email: RUI.email, roles: ['reviewer'], passwordExpiresAt: null });

    expect((await stack.gql(STAFF_LOGIN, { email: RUI.email, password: RUI.temporary })).body.data.staffLogin.passwordChangeRequired).toBe(true);
    const changed = await stack.gql(CHANGE, { email: RUI.email, current: RUI.temporary, next: RUI.chosen });
    expect(changed.body.data.changeStaffPassword.scopes).toContain('verification:review');
    expect(changed.body.data.changeStaffPassword.scopes).not.toContain('staff:manage');
  });

  it('Rui (reviewer) cannot create staff: FORBIDDEN, and nothing is written', async () => {
    const token = await signInStaff(RUI.email, RUI.chosen);
    const [staff, log] = [await count('staff'), await count('staff_operation_log')];
    const res = await stack.gql(
      CREATE,
      { input: { email: 'mallory@ops.example.org', displayName: 'M', roles: ['admin'], temporaryPassword: 'Temporary-pass-003', reason: 'because' } },
      { token },
    );
    expect(codeOf(res)).toBe('FORBIDDEN');
    expect([await count('staff'), await count('staff_operation_log')]).toEqual([staff, log]);
  });

  it.each([
    ['an unknown role', { roles: ['wizard'] }, 'roles'],
    ['no role', { roles: [] }, 'roles'],
    ['a weak temporary password', { temporaryPassword: 'password' }, 'temporaryPassword'],
    ['no reason', { reason: ' ' }, 'reason'],
    ['a malformed email', { email: 'tess' }, 'email'],
  ])('Olga creating staff with %s is BAD_USER_INPUT naming the field, and nothing is written', async (_what, change, field) => {
    const input = { email: 'tess@ops.example.org', displayName: 'Tess', roles: ['support'], temporaryPassword: 'Temporary-pass-004', reason: 'New hire', ...change };
    const [staff, log] = [await count('staff'), await count('staff_operation_log')];
    const res = await stack.gql(CREATE, { input }, { token: olgaToken });
    expect(codeOf(res)).toBe('BAD_USER_INPUT');
    expect(res.body.errors?.[0]?.extensions?.field).toBe(field);
    expect([await count('staff'), await count('staff_operation_log')]).toEqual([staff, log]);
  });

  it('Olga creating a second account for Rui\'s email is CONFLICT', async () => {
    const res = await stack.gql(
      CREATE,
      { input: { email: RUI.email, displayName: 'Rui 2', roles: ['support'], temporaryPassword: 'Temporary-pass-005', reason: 'duplicate' } },
      { token: olgaToken },
    );
    expect(codeOf(res)).toBe('CONFLICT');
  });

  it('Olga also makes Rui support; she cannot change her own roles', async () => {
    const rui = (await stack.gql(STAFF_LOGIN, { email: RUI.email, password: RUI.chosen })).body.data.staffLogin.staff;
    const res = await stack.gql(SET_ROLES, { id: rui.id, roles: ['reviewer', 'support'], reason: 'Covers the support queue, OPS-9' }, { token: olgaToken });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.setStaffRoles.roles).toEqual(['reviewer', 'support']);
    const token = await signInStaff(RUI.email, RUI.chosen);
    const members = await stack.gql('{ members(first: 2) { edges { node { displayName } } } }', {}, { token });
    expect(members.body.errors).toBeUndefined();

    const olga = (await stack.gql('{ currentStaff { id } }', {}, { token: olgaToken })).body.data.currentStaff;
    const own = await stack.gql(SET_ROLES, { id: olga.id, roles: ['auditor'], reason: 'Stepping down' }, { token: olgaToken });
    expect(codeOf(own)).toBe('FORBIDDEN');
  });

  it('roles are data: a scope an operator adds to auditor is in the next auditor token', async () => {
    const roles = await stack.gql('{ roles { name scopes } }', {}, { token: olgaToken });
    expect(roles.body.data.roles.map((r: { name: string }) => r.name)).toEqual(['admin', 'auditor', 'finance', 'moderator', 'reviewer', 'support']);
    await stack.database.rows(sql`insert into identity.role_scopes (role_name, scope) values ('auditor', 'orders:read')`);
    const created = await stack.gql(
      CREATE,
      { input: { email: 'sam@ops.example.org', displayName: 'Sam', roles: ['auditor'], temporaryPassword: 'Temporary-pass-006', reason: 'External audit 2026' } },
      { token: olgaToken },
    );
    expect(created.body.errors).toBeUndefined();
    const changed = await stack.gql(CHANGE, { email: 'sam@ops.example.org', current: 'Temporary-pass-006', next: 'Harbour-east-733' });
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
    expect(nodes).toContainEqual(expect.objectContaining({ operation: 'staff.password.change', actorKind: 'staff', subgraph: 'identity', targetType: 'staff' }));

    const roleChange = nodes.find((n: { operation: string }) => n.operation === 'staff.roles.set');
    expect(roleChange).toMatchObject({ actorKind: 'staff', reason: 'Covers the support queue, OPS-9' });
    expect(JSON.parse(roleChange.before)).toEqual({ roles: ['reviewer'] });
    expect(JSON.parse(roleChange.after)).toEqual({ roles: ['reviewer', 'support'] });
    expect(roleChange.requestId).toBeTruthy();
    const firstAdmin = nodes.findIndex((n: { actorKind: string }) => n.actorKind === 'system');
    expect(nodes[firstAdmin]).toMatchObject({ operation: 'staff.create', actorId: 'admin:create', reason: expect.stringMatching(/admin:create/) });
    expect(JSON.parse(nodes[firstAdmin].after)).toEqual({ email: OLGA.email, displayName: 'Olga', roles: ['admin'] });
    expect(nodes.indexOf(roleChange)).toBeLessThan(firstAdmin);
    expect(JSON.stringify(nodes)).not.toMatch(/Temporary-pass|Harbour-/);
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
  it('Rui\'s password, 91 days old, must be changed before he gets a token again', async () => {
    advanceDays(91);
    const res = await stack.gql(STAFF_LOGIN, { email: RUI.email, password: RUI.chosen });
    expect(res.body.data.staffLogin).toMatchObject({ accessToken: null, passwordChangeRequired: true });
    const changed = await stack.gql(CHANGE, { email: RUI.email, current: RUI.chosen, next: 'Harbour-west-844' });
    expect(changed.body.data.changeStaffPassword.accessToken).toBeTruthy();
  });

  it('five wrong passwords lock Sam\'s staff account, even from the right password', async () => {
    for (let i = 0; i < 4; i++) expect(codeOf(await stack.gql(STAFF_LOGIN, { email: 'sam@ops.example.org', password: 'Wrong-password-1' }))).toBe('UNAUTHENTICATED');
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

describe('npm run admin:create', () => {
  it('an operator creates the first admin on a fresh database and sees her temporary password once; running it again for her email is refused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'admin-create-'));
    const { DATABASE_URL: _none, ...env } = process.env;
    const run = (args: string[]) =>
      promisify(execFile)('npx', ['tsx', 'src/commands/admin-create.ts', ...args], {
        cwd: new URL('..', import.meta.url).pathname,
        env: { ...env, NODE_ENV: 'test', LOG_LEVEL: 'silent', PGLITE_DIR: dir },
      });
    try {
      const { stdout } = await run(['--email', 'Ops@Example.org', '--name', 'Ops Lead']);
      expect(stdout).toMatch(/Created admin ops@example\.org .* with roles: admin\./);
      expect(stdout).toMatch(/Temporary password \(shown once\): \S{12,}/);
      await expect(run(['--email', 'ops@example.org'])).rejects.toMatchObject({ code: 1, stderr: expect.stringMatching(/already exists/) });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
