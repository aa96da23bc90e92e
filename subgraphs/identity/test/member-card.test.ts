import { importJWK, decodeJwt, decodeProtectedHeader, errors, type JWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { DEMO_MEMBERS } from '@membership/stack';
import { TEST_ENV, type TestStack } from '@membership/testing';
import { useTestStack } from '@membership/testing/per-file';
import { verifyCardToken } from '../src/card-token.js';
import { isMemberNumber } from '../src/domain/card.js';

let clock = new Date();
let stack: TestStack;
useTestStack({ now: () => clock, beforeEachTest: () => (clock = new Date(clock.getTime() + 1000)), started: (s) => (stack = s) });

const [ANA, BO] = DEMO_MEMBERS;
const CARD = `{ me { id card { number tier issuedAt qrPayload } } }`;
/** What a staff tool holds: identity's public key, nothing secret. */
const publicKey = () => importJWK(JSON.parse(Buffer.from(TEST_ENV.IDENTITY_PUBLIC_KEY, 'base64').toString('utf8')) as JWK, 'EdDSA');

describe("a member's card", () => {
  it('Ana gets a card with a 12-digit member number (not her id), her tier and a QR token', async () => {
    const res = await stack.gql(CARD, {}, { token: await stack.memberToken(ANA!.id) });
    expect(res.body.errors).toBeUndefined();
    const card = res.body.data.me.card;
    expect(isMemberNumber(card.number)).toBe(true);
    expect(card.number).not.toContain(ANA!.id.replace(/-/g, '').slice(0, 6));
    expect(card.tier).toMatch(/^[A-Z]+$/);
    expect(card.issuedAt).toBe(clock.toISOString());
  });

  it('the number stays the same across requests; Bo gets another', async () => {
    const first = (await stack.gql(CARD, {}, { token: await stack.memberToken(ANA!.id) })).body.data.me.card;
    const again = (await stack.gql(CARD, {}, { token: await stack.memberToken(ANA!.id) })).body.data.me.card;
    const bo = (await stack.gql(CARD, {}, { token: await stack.memberToken(BO!.id) })).body.data.me.card;
    expect(again.number).toBe(first.number);
    expect(again.issuedAt).toBe(first.issuedAt);
    expect(bo.number).not.toBe(first.number);
  });

  it("a staff tool verifies Ana's QR token offline with identity's public key: it carries her number and nothing personal", async () => {
    const { number, qrPayload } = (await stack.gql(CARD, {}, { token: await stack.memberToken(ANA!.id) })).body.data.me.card;
    const verified = await verifyCardToken(qrPayload, await publicKey(), clock);
    expect(verified.number).toBe(number);
    expect(verified.expiresAt.getTime() - Math.floor(clock.getTime() / 1000) * 1000).toBe(60_000);
    expect(decodeProtectedHeader(qrPayload)).toEqual({ alg: 'EdDSA', typ: 'member-card+jwt' });
    expect(Object.keys(decodeJwt(qrPayload)).sort()).toEqual(['aud', 'exp', 'iat', 'iss', 'jti', 'num']);
    expect(qrPayload).not.toContain(ANA!.id);
  });

  it('the token expires after a minute, and a changed token fails its signature', async () => {
    const { qrPayload } = (await stack.gql(CARD, {}, { token: await stack.memberToken(ANA!.id) })).body.data.me.card;
    const key = await publicKey();
    await expect(verifyCardToken(qrPayload, key, new Date(clock.getTime() + 61_000))).rejects.toBeInstanceOf(errors.JWTExpired);
    const [header, , signature] = qrPayload.split('.');
    const forged = Buffer.from(JSON.stringify({ ...decodeJwt(qrPayload), num: '100000000008' })).toString('base64url');
    await expect(verifyCardToken(`${header}.${forged}.${signature}`, key, clock)).rejects.toBeInstanceOf(
      errors.JWSSignatureVerificationFailed,
    );
  });

  it("Chen (support without pii:identity:read) cannot read Ana's card; with the scope and a purpose he can", async () => {
    const query = `query ($id: ID!) { member(id: $id) { displayName card { number } } }`;
    const denied = await stack.gql(
      query,
      { id: ANA!.id },
      { token: await stack.staffToken(['members:read']), headers: { 'x-access-purpose': 'support' } },
    );
    expect(denied.body.data.member).toMatchObject({ displayName: ANA!.displayName, card: null });
    expect(denied.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const allowed = await stack.gql(
      query,
      { id: ANA!.id },
      { token: await stack.staffToken(['members:read', 'pii:identity:read']), headers: { 'x-access-purpose': 'support' } },
    );
    expect(allowed.body.errors).toBeUndefined();
    expect(isMemberNumber(allowed.body.data.member.card.number)).toBe(true);
  });
});
