import { describe, expect, it } from 'vitest';
import { sql } from '@membership/db';
import { DEMO_MEMBERS } from '@membership/stack';
import { TEST_ENV, type TestStack } from '@membership/testing';
import { useTestStack } from '@membership/testing/per-file';
import { createKeyRing, lookupHash } from '../src/domain/encryption.js';
import { loadIdentityEnv } from '../src/env.js';

let clock = new Date();
const advance = (minutes: number) => (clock = new Date(clock.getTime() + minutes * 60_000));
let stack: TestStack;
useTestStack({ now: () => clock, beforeEachTest: () => (clock = new Date(clock.getTime() + 1000)), started: (s) => (stack = s) });

const [ANA] = DEMO_MEMBERS;
const ring = createKeyRing(loadIdentityEnv({ ...TEST_ENV }));
const ADD = `mutation ($phone: String) { updateProfile(phone: $phone) { phone phoneVerifiedAt } }`;
const REQUEST = `mutation ($channel: ContactChannel!) { requestContactVerificationCode(channel: $channel) { channel sentTo expiresAt resendAfter } }`;
const VERIFY = `mutation ($channel: ContactChannel!, $code: String!) { verifyContact(channel: $channel, code: $code) { phone phoneVerifiedAt emailVerifiedAt } }`;
const ANA_PHONE = '+8613900001111';
const codeOf = (res: { body: { errors?: { extensions?: Record<string, unknown> }[] } }) => res.body.errors?.[0]?.extensions?.code;
const token = (m: { id: string }) => stack.memberToken(m.id);

/** The code in the newest message the development notifier wrote to this phone. */
async function codeSentTo(phone: string): Promise<string> {
  const [row] = await stack.database.rows<{ body: string; template: string }>(
    sql`select body, template from identity.notifications_outbox where recipient_lookup = ${lookupHash(ring, 'phone', phone)} order by created_at desc limit 1`,
  );
  expect(row?.template).toBe('contact-verification-code');
  const code = /\b(\d{6})\b/.exec(row?.body ?? '')?.[1];
  if (!code) throw new Error(`no code was sent to ${phone}`);
  return code;
}

describe('verifying a contact added later', () => {
  it('Ana adds a phone number: it is unverified', async () => {
    const res = await stack.gql(ADD, { phone: ANA_PHONE }, { token: await token(ANA) });
    expect(res.body.data.updateProfile).toEqual({ phone: ANA_PHONE, phoneVerifiedAt: null });
  });

  it('asking for a code for a contact she does not have is BAD_USER_INPUT naming the channel', async () => {
    const noEmail = await stack.gql(`mutation { updateProfile(email: null) { email } }`, {}, { token: await token(ANA) });
    expect(noEmail.body.errors).toBeUndefined();
    const res = await stack.gql(REQUEST, { channel: 'EMAIL' }, { token: await token(ANA) });
    expect(res.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'channel' });
  });

  it('Ana asks for a code: it goes to the new phone, masked in the answer; asking again at once is RATE_LIMITED', async () => {
    const res = await stack.gql(REQUEST, { channel: 'PHONE' }, { token: await token(ANA) });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.requestContactVerificationCode).toMatchObject({ channel: 'PHONE', sentTo: '139****1111' });
    expect(codeOf(await stack.gql(REQUEST, { channel: 'PHONE' }, { token: await token(ANA) }))).toBe('RATE_LIMITED');
  });

  it('a wrong code is BAD_USER_INPUT and leaves the phone unverified', async () => {
    const code = await codeSentTo(ANA_PHONE);
    const wrong = code === '000000' ? '000001' : '000000';
    const res = await stack.gql(VERIFY, { channel: 'PHONE', code: wrong }, { token: await token(ANA) });
    expect(res.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'code' });
    expect((await stack.gql(`{ me { phoneVerifiedAt } }`, {}, { token: await token(ANA) })).body.data.me.phoneVerifiedAt).toBeNull();
  });

  it('the right code verifies it, once; the code cannot be used again', async () => {
    const code = await codeSentTo(ANA_PHONE);
    const res = await stack.gql(VERIFY, { channel: 'PHONE', code }, { token: await token(ANA) });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.verifyContact).toMatchObject({ phone: ANA_PHONE, phoneVerifiedAt: clock.toISOString() });
    const again = await stack.gql(VERIFY, { channel: 'PHONE', code }, { token: await token(ANA) });
    expect(again.body.data.verifyContact.phoneVerifiedAt).toBe(res.body.data.verifyContact.phoneVerifiedAt);
  });

  it('asking for a code for a verified phone is CONFLICT', async () => {
    expect(codeOf(await stack.gql(REQUEST, { channel: 'PHONE' }, { token: await token(ANA) }))).toBe('CONFLICT');
  });

  it('a code sent before the phone changed proves nothing about the new one', async () => {
    advance(2);
    await stack.gql(ADD, { phone: '+8613900002222' }, { token: await token(ANA) });
    await stack.gql(REQUEST, { channel: 'PHONE' }, { token: await token(ANA) });
    const code = await codeSentTo('+8613900002222');
    advance(2);
    await stack.gql(ADD, { phone: '+8613900003333' }, { token: await token(ANA) });
    const res = await stack.gql(VERIFY, { channel: 'PHONE', code }, { token: await token(ANA) });
    expect(codeOf(res)).toBe('BAD_USER_INPUT');
    expect((await stack.gql(`{ me { phone phoneVerifiedAt } }`, {}, { token: await token(ANA) })).body.data.me).toEqual({
      phone: '+8613900003333',
      phoneVerifiedAt: null,
    });
  });

  it('an expired code is refused', async () => {
    advance(2);
    await stack.gql(REQUEST, { channel: 'PHONE' }, { token: await token(ANA) });
    const code = await codeSentTo('+8613900003333');
    advance(11);
    expect(codeOf(await stack.gql(VERIFY, { channel: 'PHONE', code }, { token: await token(ANA) }))).toBe('BAD_USER_INPUT');
  });
});
