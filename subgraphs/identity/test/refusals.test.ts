import { describe, expect, it } from 'vitest';
import { sql } from '@membership/db';
import { DEMO_MEMBERS } from '@membership/stack';
import { TEST_ENV, type TestStack } from '@membership/testing';
import { useTestStack } from '@membership/testing/per-file';
import { loadIdentityEnv } from '../src/env.js';
import { checkCharacter } from '../src/domain/resident-id.js';

let clock = new Date();
let stack: TestStack;
useTestStack({ now: () => clock, beforeEachTest: () => (clock = new Date(clock.getTime() + 1000)), started: (s) => (stack = s) });

const [ANA, , CHEN, DEE] = DEMO_MEMBERS;
const idNumber = (first17: string) => `${first17}${checkCharacter(first17)}`;
const CHEN_ID = idNumber('31010419850612003');
const DEE_ID = idNumber('11010519900307002');
const DECLINE = `mutation { declineVerification { id verificationRefused verificationLevel } }`;
const PRIMARY = `mutation ($input: PrimaryVerificationInput!) { submitPrimaryVerification(input: $input) { status } }`;
const ADVANCED = `mutation ($input: AdvancedVerificationInput!) { submitAdvancedVerification(input: $input) { id status } }`;
const REJECT = `mutation ($id: ID!, $reason: String!, $kind: VerificationRejectionKind) {
  rejectVerification(id: $id, reason: $reason, kind: $kind) { id status rejectionReason rejectionKind }
}`;
const APPROVE = `mutation ($id: ID!) { approveVerification(id: $id) { id status } }`;
const CARD = `{ me { card { number } } }`;
const GRANT = `mutation { grantPartnerConsent(partnerId: "acme", category: CONTACT) { granted } }`;
const ME = `{ me { verificationRefused verificationLevel verifications { kind status rejectionKind } } }`;
const INBOX = `{ me { inbox(first: 1) { edges { node { kind title body } } } } }`;
const token = (m: { id: string }) => stack.memberToken(m.id);
const reviewer = () => stack.staffToken(['verification:review', 'pii:identity:read'], '00000000-0000-4000-8000-0000000005e1');
const IMAGES = { documentImageRef: 's3://kyc/dee-id.jpg', faceImageRef: 's3://kyc/dee-face.jpg' };
type GqlError = { extensions?: { code?: string; requiredLevel?: string; verificationRefused?: boolean } };

/** The MemberVerificationChanged events identity recorded for a member, oldest first. */
async function levelEvents(memberId: string): Promise<{ level: string; refused: boolean }[]> {
  const rows = await stack.database.rows<{ payload: { level: string; refused: boolean } }>(
    sql`select payload from identity.outbox where type = 'MemberVerificationChanged' and payload ->> 'memberId' = ${memberId} order by occurred_at, id`,
  );
  return rows.map((r) => ({ level: r.payload.level, refused: r.payload.refused }));
}

describe('a member who declines verification', () => {
  it('Chen has his card before he declines', async () => {
    const res = await stack.gql(CARD, {}, { token: await token(CHEN) });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.me.card.number).toMatch(/^\d{12}$/);
  });

  it('Chen declines: he is refused, and MemberVerificationChanged says so (refused, level NONE)', async () => {
    const res = await stack.gql(DECLINE, {}, { token: await token(CHEN) });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.declineVerification).toEqual({ id: CHEN.id, verificationRefused: true, verificationLevel: 'NONE' });
    expect(await levelEvents(CHEN.id)).toEqual([{ level: 'none', refused: true }]);
  });

  it('declining again changes nothing and records no second event', async () => {
    expect((await stack.gql(DECLINE, {}, { token: await token(CHEN) })).body.errors).toBeUndefined();
    expect(await levelEvents(CHEN.id)).toHaveLength(1);
  });

  it('as configured by default, Chen gets VERIFICATION_REQUIRED naming PRIMARY for his card and for sharing with a partner', async () => {
    for (const query of [CARD, GRANT]) {
      const res = await stack.gql(query, {}, { token: await token(CHEN) });
      const error = res.body.errors?.[0] as GqlError;
      expect(error?.extensions).toMatchObject({ code: 'VERIFICATION_REQUIRED', requiredLevel: 'PRIMARY', verificationRefused: true });
    }
    const [grants] = await stack.database.rows<{ n: string | number }>(
      sql`select count(*) as n from identity.consent_records where member_id = ${CHEN.id} and purpose = 'partner_sharing'`,
    );
    expect(Number(grants!.n)).toBe(0);
  });

  it('Ana, who did not decline, keeps her card', async () => {
    expect((await stack.gql(CARD, {}, { token: await token(ANA) })).body.errors).toBeUndefined();
  });

  it('once Chen passes primary verification he is no longer refused: refused false on the event, and his card is back', async () => {
    const res = await stack.gql(PRIMARY, { input: { realName: '陈晨', idNumber: CHEN_ID } }, { token: await token(CHEN) });
    expect(res.body.data.submitPrimaryVerification.status).toBe('APPROVED');
    expect(await levelEvents(CHEN.id)).toEqual([
      { level: 'none', refused: true },
      { level: 'primary', refused: false },
    ]);
    expect((await stack.gql(ME, {}, { token: await token(CHEN) })).body.data.me.verificationRefused).toBe(false);
    expect((await stack.gql(CARD, {}, { token: await token(CHEN) })).body.errors).toBeUndefined();
  });

  it('a verified member has nothing to decline (CONFLICT)', async () => {
    const res = await stack.gql(DECLINE, {}, { token: await token(CHEN) });
    expect(res.body.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(await levelEvents(CHEN.id)).toHaveLength(2);
  });
});

describe('a submission found false', () => {
  let first: string;

  it('Dee verifies her name and submits documents for advanced verification', async () => {
    expect(
      (await stack.gql(PRIMARY, { input: { realName: '戴安迪', idNumber: DEE_ID } }, { token: await token(DEE) })).body.data
        .submitPrimaryVerification.status,
    ).toBe('APPROVED');
    clock = new Date(clock.getTime() + 1000); // so the submissions list in a fixed order
    const res = await stack.gql(ADVANCED, { input: IMAGES }, { token: await token(DEE) });
    first = res.body.data.submitAdvancedVerification.id;
  });

  it('the reviewer finds it false: Dee is refused (level still PRIMARY), told why, and the log keeps the kind', async () => {
    const res = await stack.gql(
      REJECT,
      { id: first, reason: 'The document image was altered.', kind: 'FALSE_SUBMISSION' },
      {
        token: await reviewer(),
      },
    );
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.rejectVerification).toMatchObject({ status: 'REJECTED', rejectionKind: 'FALSE_SUBMISSION' });
    const me = (await stack.gql(ME, {}, { token: await token(DEE) })).body.data.me;
    expect(me).toMatchObject({ verificationRefused: true, verificationLevel: 'PRIMARY' });
    expect(me.verifications[0]).toEqual({ kind: 'ADVANCED', status: 'REJECTED', rejectionKind: 'FALSE_SUBMISSION' });
    expect((await levelEvents(DEE.id)).at(-1)).toEqual({ level: 'primary', refused: true });
    const notice = (await stack.gql(INBOX, {}, { token: await token(DEE) })).body.data.me.inbox.edges[0].node;
    expect(notice).toMatchObject({ kind: 'VERIFICATION_DECIDED', title: 'Your verification submission was found false' }); // Dee reads English (the seed's choice)
    expect(notice.body).toContain('The document image was altered');
    const [op] = await stack.database.rows<{ after: { rejectionKind: string } }>(
      sql`select "after" from identity.staff_operation_log where target_id = ${first} and operation = 'verification.reject'`,
    );
    expect(op!.after.rejectionKind).toBe('false_submission');
  });

  it('Dee gets VERIFICATION_REQUIRED for her card while refused', async () => {
    const res = await stack.gql(CARD, {}, { token: await token(DEE) });
    expect(res.body.errors?.[0]?.extensions?.code).toBe('VERIFICATION_REQUIRED');
  });

  it('an insufficient rejection restricts nobody', async () => {
    const again = await stack.gql(ADVANCED, { input: IMAGES }, { token: await token(DEE) });
    const id = again.body.data.submitAdvancedVerification.id;
    const res = await stack.gql(REJECT, { id, reason: 'The photo is blurred.' }, { token: await reviewer() });
    expect(res.body.data.rejectVerification.rejectionKind).toBe('INSUFFICIENT');
    // Still refused from the false one, and no new refusal event for this one.
    expect((await levelEvents(DEE.id)).filter((e) => e.refused)).toHaveLength(1);
  });

  it('a later approved submission lifts it: refused false, card back', async () => {
    const again = await stack.gql(ADVANCED, { input: IMAGES }, { token: await token(DEE) });
    const res = await stack.gql(APPROVE, { id: again.body.data.submitAdvancedVerification.id }, { token: await reviewer() });
    expect(res.body.errors).toBeUndefined();
    expect((await levelEvents(DEE.id)).at(-1)).toEqual({ level: 'advanced', refused: false });
    expect((await stack.gql(ME, {}, { token: await token(DEE) })).body.data.me.verificationRefused).toBe(false);
    expect((await stack.gql(CARD, {}, { token: await token(DEE) })).body.errors).toBeUndefined();
  });
});

describe('the configuration', () => {
  it('VERIFICATION_REFUSAL_RESTRICTS lists what identity withholds; empty withholds nothing; an unknown word is refused at start', () => {
    expect(loadIdentityEnv({ ...TEST_ENV }).VERIFICATION_REFUSAL_RESTRICTS).toEqual(['card', 'partner_sharing', 'enterprise']);
    expect(loadIdentityEnv({ ...TEST_ENV, VERIFICATION_REFUSAL_RESTRICTS: '' }).VERIFICATION_REFUSAL_RESTRICTS).toEqual([]);
    expect(loadIdentityEnv({ ...TEST_ENV, VERIFICATION_REFUSAL_RESTRICTS: 'card, enterprise' }).VERIFICATION_REFUSAL_RESTRICTS).toEqual([
      'card',
      'enterprise',
    ]);
    expect(() => loadIdentityEnv({ ...TEST_ENV, VERIFICATION_REFUSAL_RESTRICTS: 'card,points' })).toThrow();
  });
});
