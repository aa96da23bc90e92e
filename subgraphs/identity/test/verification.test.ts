import { describe, expect, it } from 'vitest';
import { sql } from '@membership/db';
import { DEMO_MEMBERS } from '@membership/stack';
import { type TestStack } from '@membership/testing';
import { useTestStack } from '@membership/testing/per-file';
import { checkCharacter } from '../src/domain/resident-id.js';
import { addMonths } from '../src/domain/verification-rules.js';

// Near real time: the gateway checks access tokens against the wall clock.
let clock = new Date();
const advanceDays = (days: number) => (clock = new Date(clock.getTime() + days * 86_400_000));
let stack: TestStack;
useTestStack({ now: () => clock, beforeEachTest: () => (clock = new Date(clock.getTime() + 1000)), started: (s) => (stack = s) });

/** A valid resident ID number from its first 17 digits. */
const idNumber = (first17: string) => `${first17}${checkCharacter(first17)}`;
const ANA_ID = idNumber('11010519900307002');
const CHEN_ID = idNumber('31010419850612003');
/** Sequence digits 999: the development checker says the record does not match. */
const MISMATCH_ID = idNumber('44030519920101999');

const [ANA, BO, CHEN, DEE] = DEMO_MEMBERS;
const day = (d: Date) => d.toISOString().slice(0, 10);
let anaVerifiedAt: Date;
const PRIMARY = `mutation ($input: PrimaryVerificationInput!) {
  submitPrimaryVerification(input: $input) { id memberId kind status realName idNumber rejectionReason expiresAt }
}`;
const ADVANCED = `mutation ($input: AdvancedVerificationInput!) { submitAdvancedVerification(input: $input) { id kind status } }`;
const QUEUE = `query { verificationReviewQueue(first: 10) { edges { node { id memberId realName documentImageRef faceImageRef status } } } }`;
const APPROVE = `mutation ($id: ID!, $reason: String) { approveVerification(id: $id, reason: $reason) { id status expiresAt } }`;
const REJECT = `mutation ($id: ID!, $reason: String!) { rejectVerification(id: $id, reason: $reason) { id status rejectionReason } }`;
const MY_LEVEL = `{ me { verificationLevel verificationExpiresAt verifications { kind status realName idNumber rejectionReason } } }`;
const codeOf = (res: { body: { errors?: { extensions?: { code?: string } }[] } }) => res.body.errors?.[0]?.extensions?.code;
const token = (m: { id: string }) => stack.memberToken(m.id);
const reviewer = () => stack.staffToken(['verification:review', 'pii:identity:read'], '00000000-0000-4000-8000-0000000005e1');
const REVIEW = { 'x-access-purpose': 'verification-review' };

async function count(table: string): Promise<number> {
  const [row] = await stack.database.rows<{ n: string | number }>(sql.raw(`select count(*) as n from identity.${table}`));
  return Number(row?.n);
}
async function submitPrimary(member: { id: string }, realName: string, id: string) {
  return stack.gql(PRIMARY, { input: { realName, idNumber: id } }, { token: await token(member) });
}

describe('primary verification', () => {
  it('an anonymous caller cannot submit a verification', async () => {
    expect(codeOf(await stack.gql(PRIMARY, { input: { realName: '王安娜', idNumber: ANA_ID } }))).toBe('UNAUTHENTICATED');
  });

  it('Ana verifies her real name and ID number and is PRIMARY for twelve months; she reads her own values in full', async () => {
    const res = await submitPrimary(ANA, '王安娜', ANA_ID.toLowerCase());
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.submitPrimaryVerification).toMatchObject({
      memberId: ANA.id,
      kind: 'PRIMARY',
      status: 'APPROVED',
      realName: '王安娜',
      idNumber: ANA_ID,
    });
    const me = await stack.gql(MY_LEVEL, {}, { token: await token(ANA) });
    anaVerifiedAt = new Date(clock);
    const inAYear = addMonths(clock, 12);
    expect(me.body.data.me).toMatchObject({ verificationLevel: 'PRIMARY', verificationExpiresAt: inAYear.toISOString() });
    expect(me.body.data.me.verifications).toEqual([
      { kind: 'PRIMARY', status: 'APPROVED', realName: '王安娜', idNumber: ANA_ID, rejectionReason: null },
    ]);
  });

  it("Ana's real name and ID number are nowhere in identity's tables in plaintext", async () => {
    const tables = await stack.database.rows<{ name: string }>(
      sql`select table_name as name from information_schema.tables where table_schema = 'identity' and table_type = 'BASE TABLE'`,
    );
    const dumps = await Promise.all(
      tables.map((t) => stack.database.rows<{ row: string }>(sql.raw(`select t::text as row from identity."${t.name}" t`))),
    );
    const dump = dumps
      .flat()
      .map((r) => r.row)
      .join('\n');
    expect(dump).toContain(ANA.id);
    expect(dump).not.toContain('王安娜');
    expect(dump).not.toContain(ANA_ID.slice(0, 17));
  });

  it('Ana cannot verify again while her verification has months left', async () => {
    const res = await submitPrimary(ANA, '王安娜', ANA_ID);
    expect(codeOf(res)).toBe('CONFLICT');
    const validUntil = addMonths(anaVerifiedAt, 12);
    const renewFrom = new Date(validUntil.getTime() - 30 * 86_400_000);
    expect(res.body.errors?.[0]?.message).toContain(`valid until ${day(validUntil)}; you can renew it from ${day(renewFrom)}`);
  });

  it("Chen cannot verify with Ana's ID number: the same answer as any refused check (REJECTED, counted towards his daily limit), never an oracle of who is verified", async () => {
    const before = await count('verifications');
    const mismatch = await submitPrimary(CHEN, '王安娜', MISMATCH_ID);
    const res = await submitPrimary(CHEN, '王安娜', ANA_ID);
    expect(res.body.errors).toBeUndefined();
    const shape = (v: Record<string, unknown>) => Object.keys(v).sort();
    expect(shape(res.body.data.submitPrimaryVerification)).toEqual(shape(mismatch.body.data.submitPrimaryVerification));
    expect(res.body.data.submitPrimaryVerification).toMatchObject({ status: 'REJECTED', kind: 'PRIMARY', expiresAt: null });
    // Only a name the national record matches for that number (the development checker matches any) learns why.
    expect(res.body.data.submitPrimaryVerification.rejectionReason).toMatch(/already verified on another account/);
    expect(await count('verifications')).toBe(before + 2);
  });

  it.each([
    ['a mistyped ID number', '陈晨', `${CHEN_ID.slice(0, 17)}${CHEN_ID[17] === '0' ? '1' : '0'}`, 'idNumber'],
    ['an ID number with 15 digits', '陈晨', '310104850612003', 'idNumber'],
    ['a name with digits', 'Chen 2', CHEN_ID, 'realName'],
  ])('Chen submitting %s is BAD_USER_INPUT naming the field, and nothing is stored', async (_what, realName, id, field) => {
    const before = await count('verifications');
    const res = await submitPrimary(CHEN, realName, id);
    expect(codeOf(res)).toBe('BAD_USER_INPUT');
    expect(res.body.errors?.[0]?.extensions?.field).toBe(field);
    expect(await count('verifications')).toBe(before);
  });

  it("Bo's name and ID number do not match the national record: REJECTED with a reason he reads, and he stays NONE", async () => {
    const res = await submitPrimary(BO, '柏波', MISMATCH_ID);
    expect(res.body.data.submitPrimaryVerification).toMatchObject({ status: 'REJECTED', expiresAt: null });
    expect(res.body.data.submitPrimaryVerification.rejectionReason).toMatch(/do not match the national record/);
    const me = await stack.gql(MY_LEVEL, {}, { token: await token(BO) });
    expect(me.body.data.me.verificationLevel).toBe('NONE');
    expect(me.body.data.me.verifications[0].rejectionReason).toMatch(/do not match/);
  });

  it('after five refused checks in a day Bo is RATE_LIMITED; the next day he may try again', async () => {
    for (let i = 0; i < 4; i++)
      expect((await submitPrimary(BO, '柏波', MISMATCH_ID)).body.data.submitPrimaryVerification.status).toBe('REJECTED');
    const before = await count('verifications');
    expect(codeOf(await submitPrimary(BO, '柏波', MISMATCH_ID))).toBe('RATE_LIMITED');
    expect(await count('verifications')).toBe(before);
    advanceDays(1);
    expect((await submitPrimary(BO, '柏波', MISMATCH_ID)).body.data.submitPrimaryVerification.status).toBe('REJECTED');
  });
});

describe('advanced verification', () => {
  let anaDocs = '';

  it('Dee, without primary verification, cannot submit documents', async () => {
    const res = await stack.gql(
      ADVANCED,
      { input: { documentImageRef: 's3://kyc/dee/id.jpg', faceImageRef: 's3://kyc/dee/face.jpg' } },
      { token: await token(DEE) },
    );
    expect(codeOf(res)).toBe('CONFLICT');
    expect(res.body.errors?.[0]?.message).toMatch(/primary verification/);
  });

  it('Ana submitting an image instead of a reference is BAD_USER_INPUT naming the field', async () => {
    const res = await stack.gql(
      ADVANCED,
      { input: { documentImageRef: 'front.jpg', faceImageRef: 's3://kyc/ana/face.jpg' } },
      { token: await token(ANA) },
    );
    expect(codeOf(res)).toBe('BAD_USER_INPUT');
    expect(res.body.errors?.[0]?.extensions?.field).toBe('documentImageRef');
  });

  it('Ana submits her documents; they wait for review, and a second submission meanwhile is CONFLICT', async () => {
    const res = await stack.gql(
      ADVANCED,
      { input: { documentImageRef: 's3://kyc/ana/id.jpg', faceImageRef: 's3://kyc/ana/face.jpg' } },
      { token: await token(ANA) },
    );
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.submitAdvancedVerification).toMatchObject({ kind: 'ADVANCED', status: 'PENDING' });
    anaDocs = res.body.data.submitAdvancedVerification.id;
    const again = await stack.gql(
      ADVANCED,
      { input: { documentImageRef: 's3://kyc/ana/id2.jpg', faceImageRef: 's3://kyc/ana/face2.jpg' } },
      { token: await token(ANA) },
    );
    expect(codeOf(again)).toBe('CONFLICT');
  });

  it("Rui (reviewer) sees Ana's documents in the queue in full, stating his purpose; a support agent cannot see the queue", async () => {
    const res = await stack.gql(QUEUE, {}, { token: await reviewer(), headers: REVIEW });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.verificationReviewQueue.edges.map((e: { node: unknown }) => e.node)).toEqual([
      {
        id: anaDocs,
        memberId: ANA.id,
        realName: null,
        documentImageRef: 's3://kyc/ana/id.jpg',
        faceImageRef: 's3://kyc/ana/face.jpg',
        status: 'PENDING',
      },
    ]);
    const support = await stack.gql(
      QUEUE,
      {},
      { token: await stack.staffToken(['members:read', 'pii:contact:masked']), headers: { 'x-access-purpose': 'support' } },
    );
    expect(codeOf(support)).toBe('FORBIDDEN');
  });

  it('a reviewer without pii:identity:read sees the queue but not the images', async () => {
    const res = await stack.gql(QUEUE, {}, { token: await stack.staffToken(['verification:review']), headers: REVIEW });
    const node = res.body.data.verificationReviewQueue.edges[0].node;
    expect(node).toMatchObject({ id: anaDocs, documentImageRef: null, faceImageRef: null });
    expect(codeOf(res)).toBe('FORBIDDEN');
  });

  it("Rui approves Ana's documents: she is ADVANCED, the approval is in the staff log, and her level change is an event", async () => {
    const events = await stack.database.rows<{ n: string | number }>(
      sql`select count(*) as n from identity.outbox where type = 'MemberVerificationChanged'`,
    );
    const res = await stack.gql(APPROVE, { id: anaDocs, reason: 'Photo matches the card' }, { token: await reviewer() });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.approveVerification.status).toBe('APPROVED');

    const me = await stack.gql(MY_LEVEL, {}, { token: await token(ANA) });
    expect(me.body.data.me.verificationLevel).toBe('ADVANCED');
    const [log] = await stack.database.rows<{ actor_id: string; reason: string; after: { status: string } }>(
      sql`select actor_id, reason, after from identity.staff_operation_log where operation = 'verification.approve' and target_id = ${anaDocs}`,
    );
    expect(log).toMatchObject({
      actor_id: '00000000-0000-4000-8000-0000000005e1',
      reason: 'Photo matches the card',
      after: { status: 'approved' },
    });
    const [event] = await stack.database.rows<{ payload: { memberId: string; level: string } }>(
      sql`select payload from identity.outbox where type = 'MemberVerificationChanged' order by occurred_at desc limit 1`,
    );
    expect(event?.payload).toMatchObject({ memberId: ANA.id, level: 'advanced' });
    const after = await stack.database.rows<{ n: string | number }>(
      sql`select count(*) as n from identity.outbox where type = 'MemberVerificationChanged'`,
    );
    expect(Number(after[0]!.n)).toBe(Number(events[0]!.n) + 1);
    const inbox = await stack.gql(`{ me { inbox(first: 3) { edges { node { kind title body } } } } }`, {}, { token: await token(ANA) });
    expect(inbox.body.data.me.inbox.edges[0].node).toMatchObject({
      kind: 'VERIFICATION_DECIDED',
      title: 'Your advanced verification is approved',
    });
  });

  it("deciding Ana's documents again is CONFLICT, and an unknown id is NOT_FOUND", async () => {
    expect(codeOf(await stack.gql(REJECT, { id: anaDocs, reason: 'Too late' }, { token: await reviewer() }))).toBe('CONFLICT');
    expect(codeOf(await stack.gql(APPROVE, { id: '00000000-0000-4000-8000-00000000dead' }, { token: await reviewer() }))).toBe('NOT_FOUND');
    expect(codeOf(await stack.gql(APPROVE, { id: 'not-an-id' }, { token: await reviewer() }))).toBe('BAD_USER_INPUT');
  });

  it("Chen's blurry documents are rejected with a reason Chen reads; rejecting without a reason is BAD_USER_INPUT", async () => {
    expect((await submitPrimary(CHEN, '陈晨', CHEN_ID)).body.data.submitPrimaryVerification.status).toBe('APPROVED');
    clock = new Date(clock.getTime() + 60_000);
    const submitted = await stack.gql(
      ADVANCED,
      { input: { documentImageRef: 's3://kyc/chen/id.jpg', faceImageRef: 's3://kyc/chen/face.jpg' } },
      { token: await token(CHEN) },
    );
    const id = submitted.body.data.submitAdvancedVerification.id;

    const blank = await stack.gql(REJECT, { id, reason: '  ' }, { token: await reviewer() });
    expect(codeOf(blank)).toBe('BAD_USER_INPUT');
    const res = await stack.gql(
      REJECT,
      { id, reason: 'The ID card photo is blurred; please take it again in good light.' },
      { token: await reviewer() },
    );
    expect(res.body.data.rejectVerification.status).toBe('REJECTED');

    const me = await stack.gql(MY_LEVEL, {}, { token: await token(CHEN) });
    expect(me.body.data.me.verificationLevel).toBe('PRIMARY');
    expect(me.body.data.me.verifications[0]).toMatchObject({
      kind: 'ADVANCED',
      status: 'REJECTED',
      rejectionReason: 'The ID card photo is blurred; please take it again in good light.',
    });
    const inbox = await stack.gql(`{ me { inbox(first: 3) { edges { node { kind title body } } } } }`, {}, { token: await token(CHEN) });
    expect(inbox.body.data.me.inbox.edges[0].node).toEqual({
      kind: 'VERIFICATION_DECIDED',
      title: 'Your advanced verification was not approved',
      body: 'Your advanced real-name verification was not approved: The ID card photo is blurred; please take it again in good light. You may submit it again.',
    });
  });

  it('Ana (member) cannot approve verifications', async () => {
    expect(codeOf(await stack.gql(APPROVE, { id: anaDocs }, { token: await token(ANA) }))).toBe('FORBIDDEN');
  });
});

describe('who sees verifications', () => {
  const query = `query ($id: ID!) { member(id: $id) { displayName verificationLevel verifications { status } } }`;

  it("support staff (members:read) see Ana's level but not her verifications", async () => {
    const res = await stack.gql(query, { id: ANA.id }, { token: await stack.staffToken(['members:read']) });
    expect(res.body.data.member).toEqual({ displayName: 'Ana', verificationLevel: 'ADVANCED', verifications: null });
    expect(codeOf(res)).toBe('FORBIDDEN');
  });

  it('staff listing 2 or 4 members with levels and verifications cost the same number of SQL statements', async () => {
    const t = await stack.staffToken(['members:read', 'verification:review', 'pii:identity:read']);
    const list = `query ($first: Int!) { members(first: $first) { edges { node { verificationLevel verificationExpiresAt verifications { status realName } } } } }`;
    const statementsFor = async (first: number) => {
      const before = stack.database.statementCount();
      const res = await stack.gql(list, { first }, { token: t, headers: REVIEW });
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data.members.edges).toHaveLength(first);
      return stack.database.statementCount() - before;
    };
    expect(await statementsFor(4)).toBe(await statementsFor(2));
  });
});

describe('expiry', () => {
  it("Ana's verifications lapse after twelve months: she is NONE and they show EXPIRED; she may renew from 30 days before", async () => {
    advanceDays(300);
    expect(codeOf(await submitPrimary(ANA, '王安娜', ANA_ID))).toBe('CONFLICT');
    advanceDays(70);
    const me = await stack.gql(MY_LEVEL, {}, { token: await token(ANA) });
    expect(me.body.data.me.verificationLevel).toBe('NONE');
    expect(me.body.data.me.verificationExpiresAt).toBeNull();
    expect(me.body.data.me.verifications.map((v: { status: string }) => v.status)).toEqual(['EXPIRED', 'EXPIRED']);

    const renewed = await submitPrimary(ANA, '王安娜', ANA_ID);
    expect(renewed.body.data.submitPrimaryVerification.status).toBe('APPROVED');
    const after = await stack.gql(MY_LEVEL, {}, { token: await token(ANA) });
    expect(after.body.data.me.verificationLevel).toBe('PRIMARY');
    expect(after.body.data.me.verifications.map((v: { status: string }) => v.status)).toEqual(['APPROVED', 'EXPIRED', 'SUPERSEDED']);
  });
});
