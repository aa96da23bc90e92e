import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sql } from '@membership/db';
import { DEMO_MEMBERS } from '@membership/stack';
import type { TestStack } from '@membership/testing';
import { useTestStack } from '@membership/testing/per-file';

// Near real time; the retention job is ticked by hand with this clock.
const clock = new Date();
let stack: TestStack;
useTestStack({ now: () => clock, started: (s) => (stack = s) });

const [ANA] = DEMO_MEMBERS;
const DAY = 86_400_000;
/** An instant `days` before now, give or take an hour to stand clearly on one side of a cut-off. */
const ago = (days: number, hours = 0) => new Date(clock.getTime() - days * DAY - hours * 3_600_000).toISOString();

/** Two rows per kind of record: one just past its period (defaults), one just within it. */
const rows = {
  piiAccessLog: { past: randomUUID(), kept: randomUUID() },
  staffOperationLog: { past: randomUUID(), kept: randomUUID() },
  registrationCodes: { past: randomUUID(), kept: randomUUID() },
  passwordResetCodes: { past: randomUUID(), kept: randomUUID() },
  refreshTokens: { past: randomUUID(), kept: randomUUID() },
  notificationDeliveries: { past: randomUUID(), kept: randomUUID(), unfinished: randomUUID() },
  developmentNotifications: { past: randomUUID(), kept: randomUUID() },
  eventLog: { past: randomUUID(), kept: randomUUID(), undelivered: randomUUID() },
  outbox: { past: randomUUID(), kept: randomUUID(), unpublished: randomUUID() },
  inbox: { past: randomUUID(), kept: randomUUID() },
};

async function seed() {
  const db = stack.database;
  for (const [id, at] of [
    [rows.piiAccessLog.past, ago(1095, 1)],
    [rows.piiAccessLog.kept, ago(1095, -1)],
  ] as const) {
    await db.rows(sql`insert into identity.pii_access_log (id, accessed_at, viewer_kind, viewer_id, owner_member_id, fields, categories, request_id)
      values (${id}, ${at}, 'staff', 'sam', ${ANA!.id}, '{Member.email}'::text[], '{CONTACT}'::text[], 'r1')`);
  }
  for (const [id, at] of [
    [rows.staffOperationLog.past, ago(1825, 1)],
    [rows.staffOperationLog.kept, ago(1825, -1)],
  ] as const) {
    await db.rows(sql`insert into identity.staff_operation_log (id, occurred_at, actor_kind, actor_id, subgraph, operation, target_type, target_id)
      values (${id}, ${at}, 'staff', 'lee', 'identity', 'policy.publish', 'policy_version', 'x')`);
  }
  // Codes and tokens: kept 7 days after they stopped working.
  for (const [id, expires] of [
    [rows.registrationCodes.past, ago(7, 1)],
    [rows.registrationCodes.kept, ago(7, -1)],
  ] as const) {
    await db.rows(sql`insert into identity.registration_codes (id, channel, contact_lookup, code_hash, created_at, expires_at)
      values (${id}, 'email', 'lookup', 'hash', ${ago(8)}, ${expires})`);
  }
  for (const [id, expires] of [
    [rows.passwordResetCodes.past, ago(7, 1)],
    [rows.passwordResetCodes.kept, ago(7, -1)],
  ] as const) {
    await db.rows(sql`insert into identity.password_reset_codes (id, member_id, channel, code_hash, created_at, expires_at)
      values (${id}, ${ANA!.id}, 'email', 'hash', ${ago(8)}, ${expires})`);
  }
  for (const [id, expires] of [
    [rows.refreshTokens.past, ago(7, 1)],
    [rows.refreshTokens.kept, ago(7, -1)],
  ] as const) {
    await db.rows(sql`insert into identity.refresh_tokens (id, family_id, member_id, token_hash, issued_at, expires_at)
      values (${id}, ${randomUUID()}, ${ANA!.id}, ${id}, ${ago(40)}, ${expires})`);
  }
  // Messages: kept 30 days after they finished; one never finished stays whatever its age.
  for (const [id, finished] of [
    [rows.notificationDeliveries.past, ago(30, 1)],
    [rows.notificationDeliveries.kept, ago(30, -1)],
    [rows.notificationDeliveries.unfinished, null],
  ] as const) {
    await db.rows(sql`insert into identity.notification_deliveries (id, channel, template, recipient_lookup, recipient_hint, status, attempts, next_attempt_at, created_at, finished_at)
      values (${id}, 'email', 'registration-code', 'lookup', 'a***@example.com', ${finished ? 'sent' : 'pending'}, 1, ${ago(31)}, ${ago(31)}, ${finished})`);
  }
  for (const [id, at] of [
    [rows.developmentNotifications.past, ago(30, 1)],
    [rows.developmentNotifications.kept, ago(30, -1)],
  ] as const) {
    await db.rows(sql`insert into identity.notifications_outbox (id, channel, recipient_lookup, recipient_hint, template, body, created_at)
      values (${id}, 'email', 'lookup', 'a***@example.com', 'registration-code', 'code', ${at})`);
  }
  // Events: kept 90 days once every consumer has them; one still waiting for a consumer stays.
  for (const [id, at] of [
    [rows.eventLog.past, ago(90, 1)],
    [rows.eventLog.kept, ago(90, -1)],
    [rows.eventLog.undelivered, ago(90, 1)],
  ] as const) {
    await db.rows(
      sql`insert into events.log (event_id, type, producer, payload, occurred_at, published_at) values (${id}, 'MemberRegistered', 'identity', '{}'::jsonb, ${at}, ${at})`,
    );
    await db.rows(sql`insert into events.deliveries (consumer, event_id, attempts, available_at, delivered_at)
      values ('tiers', ${id}, 1, ${at}, ${id === rows.eventLog.undelivered ? null : at})`);
  }
  for (const [id, at] of [
    [rows.outbox.past, ago(90, 1)],
    [rows.outbox.kept, ago(90, -1)],
    [rows.outbox.unpublished, null],
  ] as const) {
    await db.rows(
      sql`insert into identity.outbox (id, type, payload, occurred_at, published_at) values (${id}, 'MemberRegistered', '{}'::jsonb, ${ago(91)}, ${at})`,
    );
  }
  for (const [id, at] of [
    [rows.inbox.past, ago(90, 1)],
    [rows.inbox.kept, ago(90, -1)],
  ] as const) {
    await db.rows(sql`insert into identity.inbox (event_id, type, processed_at) values (${id}, 'TierChanged', ${at})`);
  }
}

const TABLES: Record<keyof typeof rows, { table: string; key: string }> = {
  piiAccessLog: { table: 'identity.pii_access_log', key: 'id' },
  staffOperationLog: { table: 'identity.staff_operation_log', key: 'id' },
  registrationCodes: { table: 'identity.registration_codes', key: 'id' },
  passwordResetCodes: { table: 'identity.password_reset_codes', key: 'id' },
  refreshTokens: { table: 'identity.refresh_tokens', key: 'id' },
  notificationDeliveries: { table: 'identity.notification_deliveries', key: 'id' },
  developmentNotifications: { table: 'identity.notifications_outbox', key: 'id' },
  eventLog: { table: 'events.log', key: 'event_id' },
  outbox: { table: 'identity.outbox', key: 'id' },
  inbox: { table: 'identity.inbox', key: 'event_id' },
};

async function remaining(): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const [kind, ids] of Object.entries(rows)) {
    const { table, key } = TABLES[kind as keyof typeof rows];
    const found = await stack.database.rows<{ id: string }>(
      sql.raw(
        `select ${key}::text as id from ${table} where ${key} in (${Object.values(ids)
          .map((i) => `'${i}'`)
          .join(', ')})`,
      ),
    );
    const names = Object.entries(ids)
      .filter(([, id]) => found.some((f) => f.id === id))
      .map(([name]) => name);
    out[kind] = names.sort();
  }
  return out;
}

describe('the retention job', () => {
  it('removes exactly what is past its period, and keeps what is within it or still in use', async () => {
    await seed();
    const before = await remaining();
    expect(Object.values(before).every((names) => names.includes('past'))).toBe(true);

    const runs = await stack.jobs.tick(clock);
    const run = runs.find((r) => r.job === 'identity.retention');
    expect(run?.status).toBe('ok');
    expect(await remaining()).toEqual({
      piiAccessLog: ['kept'],
      staffOperationLog: ['kept'],
      registrationCodes: ['kept'],
      passwordResetCodes: ['kept'],
      refreshTokens: ['kept'],
      notificationDeliveries: ['kept', 'unfinished'],
      developmentNotifications: ['kept'],
      eventLog: ['kept', 'undelivered'],
      outbox: ['kept', 'unpublished'],
      inbox: ['kept'],
    });
    // Each kind counts its one row past the period (the demo data is all younger).
    expect(run?.result).toEqual({
      piiAccessLog: 1,
      staffOperationLog: 1,
      registrationCodes: 1,
      passwordResetCodes: 1,
      refreshTokens: 1,
      notificationDeliveries: 1,
      developmentNotifications: 1,
      eventLog: 1,
      outbox: 1,
      inbox: 1,
    });
  });
});
