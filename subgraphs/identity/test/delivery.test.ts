import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '@membership/db';
import { startTestStack, type TestStack } from '@membership/testing';

// Near real time: the gateway checks access tokens against the wall clock.
let clock = new Date();
const advance = (seconds: number) => (clock = new Date(clock.getTime() + seconds * 1000));

/** A local SMTP server standing in for the mail relay: it keeps every message it is handed. */
interface Mail {
  to: string[];
  raw: string;
}
const mails: Mail[] = [];
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

/** A local HTTP server standing in for the SMS provider: it answers with the next scripted status (200 when none). */
interface Sms {
  headers: IncomingHttpHeaders;
  body: { to: string; text: string; reference: string };
}
const texts: Sms[] = [];
const smsAnswers: number[] = [];
const sms: Server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const status = smsAnswers.shift() ?? 200;
    if (status === 200) texts.push({ headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
    res
      .writeHead(status, { 'content-type': 'application/json' })
      .end(JSON.stringify(status === 200 ? { id: `sms-${texts.length}` } : { error: 'no' }));
  });
});

const listen = (server: { listen(port: number, host: string, cb: () => void): unknown }, address: () => AddressInfo) =>
  new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve(address().port)));

let stack: TestStack;
beforeAll(async () => {
  const smtpPort = await listen(smtp, () => smtp.server.address() as AddressInfo);
  const smsPort = await listen(sms, () => sms.address() as AddressInfo);
  stack = await startTestStack({
    now: () => clock,
    env: {
      REGISTRATION_CODE_REQUIRED: 'true',
      NOTIFIER: 'deliver',
      SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
      MAIL_FROM: 'Membership <no-reply@membership.test>',
      SMS_HTTP_URL: `http://127.0.0.1:${smsPort}/messages`,
      SMS_HTTP_KEY: 'test-sms-key',
    },
  });
  // The demo seed's must-tell notices (Chen's warning, Dee's orders) are emailed by the first run
  // of the delivery job; it runs now, so the runs below are about codes only.
  await stack.jobs.tick(clock);
});
afterAll(async () => {
  await stack?.stop();
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
  await new Promise<void>((resolve) => sms.close(() => resolve()));
});

const REQUEST = `mutation ($input: RegistrationCodeInput!) { requestRegistrationCode(input: $input) { channel sentTo } }`;
const REGISTER = `mutation ($input: RegisterInput!) { register(input: $input) { accessToken member { id } } }`;
const PASSWORD = 'Harbour-lights-42';

async function eventually<T>(read: () => T | undefined | Promise<T | undefined>, what: string): Promise<T> {
  for (let i = 0; i < 100; i++) {
    const value = await read();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** The code in the newest email the SMTP server received for `to`, read from the message body. */
const mailedCode = (to: string) =>
  eventually(() => {
    const mail = mails.filter((m) => m.to.includes(to)).at(-1);
    const body = mail?.raw
      .split(/\r?\n\r?\n/)
      .slice(1)
      .join('\n');
    return body ? /code is (\d{6})/.exec(body)?.[1] : undefined;
  }, `an email to ${to}`);

interface DeliveryRow {
  status: string;
  attempts: number;
  last_error: string | null;
  payload_ciphertext: string | null;
  provider_message_id: string | null;
  row: string;
}
async function deliveries(hint: string): Promise<DeliveryRow[]> {
  return stack.database.rows<DeliveryRow>(
    sql`select status, attempts, last_error, payload_ciphertext, provider_message_id, d::text as row
        from identity.notification_deliveries d where recipient_hint = ${hint} order by created_at, id`,
  );
}

// Codes are asked for in English here so their texts can be matched; languages.test.ts reads Chinese ones.
describe('codes delivered by email and text message', () => {
  it('Jia registers through the gateway with the code the local SMTP server received', async () => {
    const sent = await stack.gql(REQUEST, { input: { email: 'jia@example.com', language: 'EN' } });
    expect(sent.body.errors).toBeUndefined();
    const code = await mailedCode('jia@example.com');
    const mail = mails.find((m) => m.to.includes('jia@example.com'))!;
    expect(mail.raw).toMatch(/^From: Membership <no-reply@membership\.test>/m);
    expect(mail.raw).toMatch(/^Subject: Your membership registration code/m);

    const [delivery] = await eventually(async () => {
      const rows = await deliveries('j***@example.com');
      return rows[0]?.status === 'sent' ? rows : undefined;
    }, 'the delivery to be marked sent');
    expect(delivery).toMatchObject({ status: 'sent', attempts: 1, payload_ciphertext: null, last_error: null });
    expect(delivery!.provider_message_id).toMatch(/@/);

    const res = await stack.gql(REGISTER, { input: { email: 'jia@example.com', password: PASSWORD, displayName: 'Jia', code } });
    expect(res.body.errors).toBeUndefined();
    const me = await stack.gql('{ me { emailVerifiedAt } }', {}, { token: res.body.data.register.accessToken });
    expect(me.body.data.me.emailVerifiedAt).toBe(clock.toISOString());
  });

  it('no table holds the code in plaintext, before or after delivery, and the development outbox stays empty', async () => {
    advance(120);
    await stack.gql(REQUEST, { input: { email: 'ivy@example.com', language: 'EN' } });
    const code = await mailedCode('ivy@example.com');
    const everything = await stack.database.rows<{ row: string }>(
      sql`select d::text as row from identity.notification_deliveries d
          union all select n::text from identity.notifications_outbox n
          union all select r::text from identity.registration_codes r`,
    );
    expect(everything.map((r) => r.row).join('\n')).not.toContain(code);
    expect(everything.map((r) => r.row).join('\n')).not.toContain('ivy@example.com');
    const [dev] = await stack.database.rows<{ n: number | string }>(sql`select count(*) as n from identity.notifications_outbox`);
    expect(Number(dev!.n)).toBe(0);
  });

  it('Kai registers by phone with the code the SMS provider was asked to send, with the key and an idempotency key', async () => {
    await stack.gql(REQUEST, { input: { phone: '139 2222 3333', language: 'EN' } });
    const text = await eventually(() => texts.find((t) => t.body.to === '+8613922223333'), 'a text to Kai');
    expect(text.headers.authorization).toBe('Bearer test-sms-key');
    expect(text.headers['idempotency-key']).toBe(text.body.reference);
    const code = /code is (\d{6})/.exec(text.body.text)![1];
    const res = await stack.gql(REGISTER, { input: { phone: '+8613922223333', password: PASSWORD, displayName: 'Kai', code } });
    expect(res.body.errors).toBeUndefined();
    const [delivery] = await deliveries('139****3333');
    expect(delivery).toMatchObject({ status: 'sent', provider_message_id: 'sms-1' });
  });

  it("Lan's text is retried after the provider answers 503, and the delivery job sends it", async () => {
    advance(120);
    smsAnswers.push(503);
    await stack.gql(REQUEST, { input: { phone: '139 4444 5555', language: 'EN' } });
    const [failed] = await eventually(async () => {
      const rows = await deliveries('139****5555');
      // Pending after one attempt: a row seen before its first attempt is pending too.
      return rows[0]?.status === 'pending' && rows[0].attempts === 1 ? rows : undefined;
    }, 'the first attempt to fail');
    expect(failed).toMatchObject({ attempts: 1, last_error: 'SMS provider answered 503' });
    expect(failed!.payload_ciphertext).not.toBeNull();

    advance(60);
    const runs = await stack.jobs.tick(clock);
    expect(runs.find((r) => r.job === 'identity.notifications')?.result).toMatchObject({ sent: 1 });
    const [sent] = await deliveries('139****5555');
    expect(sent).toMatchObject({ status: 'sent', attempts: 2, payload_ciphertext: null });
    const text = texts.find((t) => t.body.to === '+8613944445555')!;
    const code = /code is (\d{6})/.exec(text.body.text)![1];
    const res = await stack.gql(REGISTER, { input: { phone: '+8613944445555', password: PASSWORD, displayName: 'Lan', code } });
    expect(res.body.errors).toBeUndefined();
  });

  it("Mo's number is refused by the provider (400): the message fails at once, and Mo can ask for a new code", async () => {
    advance(120);
    smsAnswers.push(400);
    await stack.gql(REQUEST, { input: { phone: '139 6666 7777', language: 'EN' } });
    const [failed] = await eventually(async () => {
      const rows = await deliveries('139****7777');
      return rows[0]?.status === 'failed' ? rows : undefined;
    }, 'the message to fail');
    expect(failed).toMatchObject({ attempts: 1, last_error: 'SMS provider answered 400', payload_ciphertext: null });

    advance(61);
    const again = await stack.gql(REQUEST, { input: { phone: '139 6666 7777', language: 'EN' } });
    expect(again.body.errors).toBeUndefined();
    await eventually(() => texts.find((t) => t.body.to === '+8613966667777'), 'the second code');
  });

  it('a code whose text cannot go out before the code expires is marked expired, not sent late', async () => {
    advance(120);
    smsAnswers.push(503);
    await stack.gql(REQUEST, { input: { phone: '139 8888 9999', language: 'EN' } });
    await eventually(async () => {
      const [row] = await deliveries('139****9999');
      return row?.status === 'pending' && row.attempts === 1 ? true : undefined;
    }, 'the first attempt to fail');
    advance(11 * 60);
    const runs = await stack.jobs.tick(clock);
    expect(runs.find((r) => r.job === 'identity.notifications')?.result).toMatchObject({ expired: 1, sent: 0 });
    const [expired] = await deliveries('139****9999');
    expect(expired).toMatchObject({ status: 'expired', payload_ciphertext: null });
    expect(texts.find((t) => t.body.to === '+8613988889999')).toBeUndefined();
  });
});
