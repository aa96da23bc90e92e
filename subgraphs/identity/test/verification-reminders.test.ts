import { beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@membership/config';
import { sql } from '@membership/db';
import { DEMO_MEMBERS } from '@membership/stack';
import { TEST_ENV, type TestStack } from '@membership/testing';
import { useTestStack } from '@membership/testing/per-file';
import { checkCharacter } from '../src/domain/resident-id.js';
import { remindExpiringVerifications } from '../src/domain/verification-reminders.js';
import { systemServices } from '../src/services.js';

// Near real time: the gateway checks access tokens against the wall clock. The reminder
// job gets its own clock, injected per run.
const clock = new Date();
let stack: TestStack;
useTestStack({ now: () => clock, started: (s) => (stack = s) });

const DAY = 86_400_000;
const [ANA, BO, CHEN, DEE] = DEMO_MEMBERS;
const idNumber = (first17: string) => `${first17}${checkCharacter(first17)}`;
const PRIMARY = `mutation ($input: PrimaryVerificationInput!) { submitPrimaryVerification(input: $input) { id status expiresAt } }`;
const INBOX = `{ me { inbox(first: 10) { unreadCount edges { node { kind title body } } } } }`;

const remind = (now: Date) =>
  remindExpiringVerifications(
    systemServices({ database: stack.database, env: { ...TEST_ENV }, logger: createLogger('test', 'silent') }).reminders,
    now,
  );
async function verify(member: { id: string }, realName: string, first17: string) {
  const res = await stack.gql(PRIMARY, { input: { realName, idNumber: idNumber(first17) } }, { token: await stack.memberToken(member.id) });
  expect(res.body.data?.submitPrimaryVerification?.status).toBe('APPROVED');
  return res.body.data.submitPrimaryVerification as { id: string; expiresAt: string };
}
const inboxOf = async (member: { id: string }) =>
  (await stack.gql(INBOX, {}, { token: await stack.memberToken(member.id) })).body.data.me.inbox;
async function remindersOf(memberId: string): Promise<number> {
  const [row] = await stack.database.rows<{ n: string | number }>(
    sql`select count(*) as n from identity.inbox_notices where member_id = ${memberId} and kind = 'verification_expiring'`,
  );
  return Number(row?.n);
}

let anaExpiresAt: Date;
let chenExpiresAt: Date;
beforeAll(async () => {
  anaExpiresAt = new Date((await verify(ANA, '王安娜', '11010519900307002')).expiresAt);
  chenExpiresAt = new Date((await verify(CHEN, '陈晨', '31010419850612003')).expiresAt);
  // Dee's details do not match the record (sequence 999): a rejected verification.
  await stack.gql(
    PRIMARY,
    { input: { realName: '丁蒂', idNumber: idNumber('44030519920101999') } },
    { token: await stack.memberToken(DEE.id) },
  );
});

describe('reminding members before their verification expires', () => {
  it('Ana, whose verification expires in 31 days, is not reminded yet', async () => {
    expect(await remind(new Date(anaExpiresAt.getTime() - 31 * DAY))).toBe(0);
    expect(await remindersOf(ANA.id)).toBe(0);
  });

  it('Ana and Chen, with 29 days left, each find one reminder naming the expiry date, written by one statement', async () => {
    const unreadBefore = (await inboxOf(ANA)).unreadCount;
    const before = stack.database.statementCount();
    expect(await remind(new Date(anaExpiresAt.getTime() - 29 * DAY))).toBe(2);
    expect(stack.database.statementCount() - before).toBe(1);

    const inbox = await inboxOf(ANA);
    expect(inbox.unreadCount).toBe(unreadBefore + 1);
    const reminders = inbox.edges
      .map((e: { node: { kind: string } }) => e.node)
      .filter((n: { kind: string }) => n.kind === 'VERIFICATION_EXPIRING');
    expect(reminders).toEqual([
      {
        kind: 'VERIFICATION_EXPIRING',
        title: 'Your real-name verification expires soon',
        body: `Your primary verification expires on ${anaExpiresAt.toISOString().slice(0, 10)}. Renew it before then to keep your verification level.`,
      },
    ]);
    expect(await remindersOf(CHEN.id)).toBe(1);
  });

  it('Ana is reminded exactly once however often the job runs, a day later or twice at once', async () => {
    expect(await remind(new Date(anaExpiresAt.getTime() - 28 * DAY))).toBe(0);
    expect(await Promise.all([1, 2].map(() => remind(new Date(anaExpiresAt.getTime() - 10 * DAY))))).toEqual([0, 0]);
    expect(await remindersOf(ANA.id)).toBe(1);
  });

  it('Bo, who never verified, and Dee, whose verification was rejected, get no reminder', async () => {
    await remind(new Date(anaExpiresAt.getTime() - 1 * DAY));
    expect(await remindersOf(BO.id)).toBe(0);
    expect(await remindersOf(DEE.id)).toBe(0);
  });

  it('a verification that already lapsed is not reminded of', async () => {
    await stack.database.db.execute(sql`delete from identity.inbox_notices where member_id = ${CHEN.id}`);
    expect(await remind(new Date(chenExpiresAt.getTime() + DAY))).toBe(0);
    expect(await remindersOf(CHEN.id)).toBe(0);
  });
});
