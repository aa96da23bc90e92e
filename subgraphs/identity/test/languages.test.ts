import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '@membership/db';
import { deliveries, eventLog, type EventInput, type EventType } from '@membership/events';
import { startTestStack, type TestStack } from '@membership/testing';
import { InboxRepository } from '../src/db/inbox-repository.js';
import { ALL_MEMBERS } from '../src/domain/scope.js';

// Near real time: the gateway checks access tokens against the wall clock.
let clock = new Date();
const advance = (seconds: number) => (clock = new Date(clock.getTime() + seconds * 1000));

/** A local SMTP server standing in for the mail relay: it keeps every message it is handed. */
const mails: { to: string[]; raw: string }[] = [];
const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS', 'AUTH'],
  logger: false,
  onData(stream, session, callback) {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => {
      mails.push({ to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8') });
      callback();
    });
  },
});

/** Quoted-printable (and RFC 2047 "Q") text as the UTF-8 it stands for. */
function decodeQuoted(text: string, underscoreIsSpace = false): string {
  const t = text.replace(/=\r?\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < t.length; i++) {
    const hex = t.slice(i + 1, i + 3);
    if (t[i] === '=' && /^[0-9A-F]{2}$/i.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else bytes.push(...Buffer.from(underscoreIsSpace && t[i] === '_' ? ' ' : t[i]!, 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}

/** The subject and text of a message as a mail client shows them (nodemailer encodes non-ASCII). */
function readMail(raw: string): { subject: string; text: string } {
  const [head = '', ...rest] = raw.split(/\r?\n\r?\n/);
  const headers = head.replace(/\r?\n[ \t]+/g, ' ');
  const subject = (/^Subject: (.*)$/m.exec(headers)?.[1] ?? '').replace(
    /=\?UTF-8\?([BQ])\?([^?]*)\?=\s*/gi,
    (_, enc: string, word: string) => (enc.toUpperCase() === 'B' ? Buffer.from(word, 'base64').toString('utf8') : decodeQuoted(word, true)),
  );
  const body = rest.join('\n\n');
  const encoding = /^Content-Transfer-Encoding: (.*)$/im.exec(headers)?.[1]?.trim().toLowerCase();
  const text =
    encoding === 'base64'
      ? Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8')
      : encoding === 'quoted-printable'
        ? decodeQuoted(body)
        : body;
  return { subject: subject.trim(), text };
}

const mailsTo = (to: string) => mails.filter((m) => m.to.includes(to)).map((m) => readMail(m.raw));

async function eventually<T>(read: () => T | undefined | Promise<T | undefined>, what: string): Promise<T> {
  for (let i = 0; i < 100; i++) {
    const value = await read();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

let stack: TestStack;
beforeAll(async () => {
  const port = await new Promise<number>((resolve) =>
    smtp.listen(0, '127.0.0.1', () => resolve((smtp.server.address() as AddressInfo).port)),
  );
  stack = await startTestStack({
    now: () => clock,
    env: { NOTIFIER: 'deliver', SMTP_URL: `smtp://127.0.0.1:${port}`, MAIL_FROM: 'Membership <no-reply@membership.test>' },
  });
  // The demo seed's must-tell notices (Chen's warning, Dee's orders) go out with the first run of
  // the delivery job; sent now, so what follows is about this file's members only.
  await stack.jobs.tick(clock);
});
afterAll(async () => {
  await stack?.stop();
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
});

const REQUEST = `mutation ($input: RegistrationCodeInput!) { requestRegistrationCode(input: $input) { channel } }`;
const REGISTER = `mutation ($input: RegisterInput!) { register(input: $input) { member { id } } }`;
const ME = `{ me { language serviceMessages { email } card { tierName } inbox(first: 5) { edges { node { kind title body } } } } }`;
const PASSWORD = 'Lantern-river-2026';

/** Publishes an event as another subgraph would, into identity's queue only, and applies it. */
async function publish<T extends EventType>(type: T, payload: EventInput[T]): Promise<void> {
  const eventId = randomUUID();
  await stack.database.db.insert(eventLog).values({ eventId, type, producer: 'test', payload, occurredAt: clock, publishedAt: clock });
  await stack.database.db.insert(deliveries).values({ consumer: 'identity', eventId, availableAt: clock });
  await stack.drainEvents();
}

/** Runs the delivery job once, a minute on. */
async function deliver(): Promise<void> {
  advance(61);
  const runs = await stack.jobs.tick(clock);
  expect(runs.find((r) => r.job === 'identity.notifications')).toMatchObject({ status: 'ok' });
}

async function register(input: Record<string, unknown>): Promise<string> {
  const res = await stack.gql(REGISTER, { input: { password: PASSWORD, ...input } });
  expect(res.body.errors).toBeUndefined();
  return res.body.data.register.member.id;
}

async function me(memberId: string) {
  const res = await stack.gql(ME, {}, { token: await stack.memberToken(memberId) });
  expect(res.body.errors).toBeUndefined();
  return res.body.data.me as {
    language: string;
    serviceMessages: { email: boolean };
    card: { tierName: string };
    inbox: { edges: { node: { kind: string; title: string; body: string } }[] };
  };
}

const queuedFor = async (memberId: string) =>
  stack.database.rows<{ status: string }>(sql`
    select d.status from identity.notification_deliveries d join identity.inbox_notices n on n.id = d.notice_id
    where n.member_id = ${memberId}::uuid`);

let mei: string;
let nils: string;
let qiu: string;

describe('the member reads the platform in their language', () => {
  it('Mei, who chose no language, gets her registration code by email in Chinese, and her account speaks Chinese', async () => {
    const sent = await stack.gql(REQUEST, { input: { email: 'mei@example.com' } });
    expect(sent.body.errors).toBeUndefined();
    const mail = await eventually(() => mailsTo('mei@example.com')[0], 'the code email to Mei');
    expect(mail.subject).toBe('您的会员注册验证码');
    const code = /验证码为 (\d{6})/.exec(mail.text)?.[1];
    expect(code).toMatch(/^\d{6}$/);
    mei = await register({ email: 'mei@example.com', displayName: 'Mei', code });
    expect(await me(mei)).toMatchObject({ language: 'ZH_CN', serviceMessages: { email: true }, card: { tierName: '会员' } });
  });

  it('Nils registers in English and asks for his code in English', async () => {
    await stack.gql(REQUEST, { input: { email: 'nils@example.com', language: 'EN' } });
    const mail = await eventually(() => mailsTo('nils@example.com')[0], 'the code email to Nils');
    expect(mail.subject).toBe('Your membership registration code');
    const code = /code is (\d{6})/.exec(mail.text)?.[1];
    nils = await register({ email: 'nils@example.com', displayName: 'Nils', code, language: 'EN' });
    expect(await me(nils)).toMatchObject({ language: 'EN', card: { tierName: 'Member' } });
    qiu = await register({ email: 'qiu@example.com', displayName: 'Qiu' });
  });

  it("a password reset code goes out in the member's language; a code asked for an address that has an account tells its owner in the owner's", async () => {
    await stack.gql(`mutation { requestPasswordReset(login: "qiu@example.com") { channel } }`);
    const reset = await eventually(() => mailsTo('qiu@example.com')[0], 'the reset code to Qiu');
    expect(reset.subject).toBe('您的会员密码重置验证码');
    expect(reset.text).toMatch(/重置验证码为 \d{6}/);

    // Someone asks, in Chinese, to register with Nils's address; Nils reads English.
    advance(120);
    const asked = await stack.gql(REQUEST, { input: { email: 'nils@example.com', language: 'ZH_CN' } });
    expect(asked.body.errors).toBeUndefined();
    const warned = await eventually(() => mailsTo('nils@example.com')[1], 'the account-exists message to Nils');
    expect(warned.subject).toBe('Someone tried to register with your address');
  });

  it('a warning to Mei is in her inbox and in her email, in Chinese; once she switches to English, the same notice reads in English', async () => {
    await publish('SanctionApplied', { sanctionId: randomUUID(), memberId: mei, kind: 'WARNING' });
    expect((await me(mei)).inbox.edges[0]!.node).toEqual({
      kind: 'SANCTION_APPLIED',
      title: '您收到了一次警告',
      body: '原因和期限请在账户状态中查看。',
    });
    await deliver();
    const [mail] = mailsTo('mei@example.com').slice(1);
    expect(mail?.subject).toBe('您收到了一次警告');
    expect(mail?.text).toContain('原因和期限请在账户状态中查看。');
    expect(mail?.text).toContain('服务邮件');

    const switched = await stack.gql(`mutation { setLanguage(language: EN) { id language } }`, {}, { token: await stack.memberToken(mei) });
    expect(switched.body).toEqual({ data: { setLanguage: { id: mei, language: 'EN' } } });
    expect((await me(mei)).inbox.edges[0]!.node).toEqual({
      kind: 'SANCTION_APPLIED',
      title: 'You received a warning',
      body: 'See your standing for the reason and how long it lasts.',
    });
  });

  it('Mei (now English) is emailed her downgrade in English, and her upgrade only in the inbox; her card names her tier in English', async () => {
    await publish('TierChanged', { memberId: mei, from: 'GOLD', to: 'SILVER', reason: 'reevaluation' });
    await deliver();
    expect(mailsTo('mei@example.com').map((m) => m.subject)).toEqual(['您的会员注册验证码', '您收到了一次警告', 'Your tier is now Silver']);
    expect(mailsTo('mei@example.com')[2]!.text).toContain('You moved from Gold to Silver.');

    advance(1);
    await publish('TierChanged', { memberId: mei, from: 'SILVER', to: 'GOLD', reason: 'qualifying_spend' });
    await deliver();
    expect(mailsTo('mei@example.com')).toHaveLength(3);
    const read = await me(mei);
    expect(read.inbox.edges[0]!.node.title).toBe('Your tier is now Gold');
    expect(read.card.tierName).toBe('Gold');
  });

  it('Qiu (Chinese) reads and is emailed the downgrade notice tiers asked for, with the tier names in Chinese', async () => {
    await publish('MemberNoticeRequested', {
      memberId: qiu,
      template: 'tiers.downgrade_scheduled',
      params: { from: 'GOLD', to: 'SILVER', date: '2027-01-31' },
      outOfApp: true,
      dedupeKey: 'downgrade:2027-01-31',
    });
    expect((await me(qiu)).inbox.edges[0]!.node).toMatchObject({ kind: 'TIERS', title: '您的会员等级将于 2027-01-31 变为白银' });
    await deliver();
    expect(mailsTo('qiu@example.com').map((m) => m.subject)).toEqual(['您的会员密码重置验证码', '您的会员等级将于 2027-01-31 变为白银']);
  });
});

describe('must-tell notices by email, unless the member opted out of service emails or has no email', () => {
  it('a request another part marks outOfApp is emailed to Nils; one it does not mark stays in his inbox', async () => {
    await publish('MemberNoticeRequested', {
      memberId: nils,
      template: 'orders.payment_confirmed',
      params: { orderNumber: 'A1B2C3D4', amount: '12.00', currency: 'CNY' },
      outOfApp: true,
    });
    advance(1);
    await publish('MemberNoticeRequested', {
      memberId: nils,
      template: 'points.points_available',
      params: { points: 50, orderNumber: 'A1B2C3D4' },
      outOfApp: false,
    });
    await deliver();
    expect(mailsTo('nils@example.com').map((m) => m.subject)).toEqual([
      'Your membership registration code',
      'Someone tried to register with your address',
      'Payment received for order A1B2C3D4',
    ]);
    expect((await me(nils)).inbox.edges.map((e) => e.node.kind)).toEqual(['POINTS', 'ORDERS']);
  });

  it('Olu turned service emails off: a sanction reaches only his inbox, and no email is even queued', async () => {
    const olu = await register({ email: 'olu@example.com', displayName: 'Olu' });
    const off = await stack.gql(`mutation { updateServiceMessages(email: false) { email } }`, {}, { token: await stack.memberToken(olu) });
    expect(off.body).toEqual({ data: { updateServiceMessages: { email: false } } });
    await publish('SanctionApplied', { sanctionId: randomUUID(), memberId: olu, kind: 'RESTRICTED_BENEFITS' });
    await deliver();
    const read = await me(olu);
    expect(read.serviceMessages).toEqual({ email: false });
    expect(read.inbox.edges[0]!.node.kind).toBe('SANCTION_APPLIED');
    expect(mailsTo('olu@example.com')).toEqual([]);
    expect(await queuedFor(olu)).toEqual([]);
  });

  it('Pim registered with a phone only: a sanction reaches only his inbox', async () => {
    const pim = await register({ phone: '+8613900001111', displayName: 'Pim' });
    await publish('SanctionApplied', { sanctionId: randomUUID(), memberId: pim, kind: 'WARNING' });
    await deliver();
    expect((await me(pim)).inbox.edges[0]!.node.title).toBe('您收到了一次警告');
    expect(await queuedFor(pim)).toEqual([]);
  });

  it('Qiu turns service emails off after a notice was queued and before it was sent: it is not sent', async () => {
    await publish('SanctionApplied', { sanctionId: randomUUID(), memberId: qiu, kind: 'WARNING' });
    expect(await queuedFor(qiu)).toContainEqual({ status: 'pending' });
    await stack.gql(`mutation { updateServiceMessages(email: false) { email } }`, {}, { token: await stack.memberToken(qiu) });
    await deliver();
    expect(mailsTo('qiu@example.com')).toHaveLength(2);
    expect((await queuedFor(qiu)).map((r) => r.status).sort()).toEqual(['expired', 'sent']);
    await stack.gql(`mutation { updateServiceMessages(email: true) { email } }`, {}, { token: await stack.memberToken(qiu) });
  });

  it('a benefit change for Gold is emailed to Mei (Gold) in English and not to Nils, who has no tier', async () => {
    await publish('BenefitChangeAnnounced', { tier: 'GOLD', benefit: 'Free shipping', effectiveAt: '2027-02-01T00:00:00Z' });
    await deliver();
    expect(mailsTo('mei@example.com').at(-1)?.subject).toBe('A change to your Gold benefits');
    expect(mailsTo('nils@example.com').map((m) => m.subject)).not.toContain('A change to your Gold benefits');
  });

  it("a notice's email is queued once however often, and however concurrently, it is asked for", async () => {
    await publish('SanctionApplied', { sanctionId: randomUUID(), memberId: nils, kind: 'DOWNGRADE' });
    const [notice] = await stack.database.rows<{ event_id: string }>(
      sql`select event_id from identity.inbox_notices where member_id = ${nils}::uuid and kind = 'sanction_applied'`,
    );
    const inbox = new InboxRepository(stack.database.db, ALL_MEMBERS);
    // The consumer queued it already: asking again queues nothing.
    expect(await inbox.emailNotices(notice!.event_id, clock)).toBe(0);
    // Without the consumer's copy, five at once queue exactly one.
    await stack.database.rows(sql`delete from identity.notification_deliveries d using identity.inbox_notices n
      where n.id = d.notice_id and n.event_id = ${notice!.event_id}::uuid`);
    const queued = await Promise.all(Array.from({ length: 5 }, () => inbox.emailNotices(notice!.event_id, clock)));
    expect(queued.sort()).toEqual([0, 0, 0, 0, 1]);
    await deliver();
    expect(mailsTo('nils@example.com').filter((m) => m.subject === 'Your tier was lowered')).toHaveLength(1);
  });

  it('a new privacy policy is announced to every member in the inbox and by email, each in their language', async () => {
    const published = await stack.gql(
      `mutation ($input: PublishPolicyInput!) { publishPolicyVersion(input: $input) { version } }`,
      { input: { kind: 'PRIVACY', version: 'lang-1', text: 'We keep what you tell us safe.', reason: 'languages test' } },
      { token: await stack.staffToken(['policy:publish']) },
    );
    expect(published.body.errors).toBeUndefined();
    await deliver();
    expect(mailsTo('mei@example.com').at(-1)?.subject).toBe('New privacy policy: version lang-1');
    expect(mailsTo('qiu@example.com').at(-1)?.subject).toBe('新版隐私政策：lang-1');
    expect(mailsTo('olu@example.com')).toEqual([]);
    expect((await me(qiu)).inbox.edges[0]!.node.title).toBe('新版隐私政策：lang-1');
  });
});
