import { describe, expect, it } from 'vitest';
import { sql } from '@membership/db';
import { DEMO_MEMBERS } from '@membership/stack';
import { type TestStack } from '@membership/testing';
import { useTestStack } from '@membership/testing/per-file';
import { createLogger } from '@membership/config';
import { TEST_ENV } from '@membership/testing';
import { creditCodeCheckCharacter } from '../src/domain/credit-code.js';
import { runPendingExports } from '../src/domain/data-export.js';
import { systemServices } from '../src/services.js';

let clock = new Date();
let stack: TestStack;
useTestStack({ now: () => clock, beforeEachTest: () => (clock = new Date(clock.getTime() + 1000)), started: (s) => (stack = s) });

const [ANA, BO, CHEN] = DEMO_MEMBERS;
/** Huawei's published code: a real one, check character included. */
const CREDIT_CODE = '914403001922038216';
const OTHER_CODE = `91330100MA27XXXX0${creditCodeCheckCharacter('91330100MA27XXXX0')}`;
const INPUT = { companyName: '安娜贸易有限公司', creditCode: CREDIT_CODE, licenceDocumentRef: 's3://kyc/ana-licence.jpg' };
const SUBMIT = `mutation ($input: EnterpriseVerificationInput!) {
  submitEnterpriseVerification(input: $input) { id memberId kind status companyName creditCode licenceDocumentRef }
}`;
const SET_TYPE = `mutation ($t: MemberType) { updateProfile(memberType: $t) { memberType } }`;
const QUEUE = `query { verificationReviewQueue(first: 10) { edges { node { id kind companyName creditCode } } } }`;
const APPROVE = `mutation ($id: ID!, $reason: String) { approveVerification(id: $id, reason: $reason) { id status expiresAt } }`;
const REJECT = `mutation ($id: ID!, $reason: String!) { rejectVerification(id: $id, reason: $reason) { id status rejectionReason } }`;
const ENTERPRISE = `{ me { memberType verificationLevel enterpriseVerification { kind status companyName creditCode expiresAt } } }`;
const INBOX = `{ me { inbox(first: 1) { edges { node { kind title body } } } } }`;
const token = (m: { id: string }) => stack.memberToken(m.id);
const reviewer = () => stack.staffToken(['verification:review', 'pii:identity:read'], '00000000-0000-4000-8000-0000000005e1');
const REVIEW = { 'x-access-purpose': 'verification-review' };
const codeOf = (res: { body: { errors?: { extensions?: { code?: string } }[] } }) => res.body.errors?.[0]?.extensions?.code;
const fieldOf = (res: { body: { errors?: { extensions?: Record<string, unknown> }[] } }) => res.body.errors?.[0]?.extensions?.field;

async function enterpriseRows(): Promise<number> {
  const [row] = await stack.database.rows<{ n: string | number }>(
    sql`select count(*) as n from identity.verifications where level = 'enterprise'`,
  );
  return Number(row?.n);
}

describe('enterprise verification', () => {
  it('Ana, an individual member, cannot submit a business licence (CONFLICT naming memberType)', async () => {
    const res = await stack.gql(SUBMIT, { input: INPUT }, { token: await token(ANA) });
    expect(codeOf(res)).toBe('CONFLICT');
    expect(fieldOf(res)).toBe('memberType');
    expect(await enterpriseRows()).toBe(0);
  });

  it('Ana says she is an enterprise member', async () => {
    const res = await stack.gql(SET_TYPE, { t: 'ENTERPRISE' }, { token: await token(ANA) });
    expect(res.body.data.updateProfile.memberType).toBe('ENTERPRISE');
  });

  it.each([
    ['a code with a wrong check character', { creditCode: '914403001922038217' }, 'creditCode'],
    ['a code of 17 characters', { creditCode: '91440300192203821' }, 'creditCode'],
    ['a code with the letter O', { creditCode: '91440300192203O216' }, 'creditCode'],
    ['a one-letter company name', { companyName: 'A' }, 'companyName'],
    ['an image instead of a reference', { licenceDocumentRef: 'data image' }, 'licenceDocumentRef'],
  ])('Ana submitting %s gets BAD_USER_INPUT naming the field; nothing is written', async (_what, change, field) => {
    const res = await stack.gql(SUBMIT, { input: { ...INPUT, ...change } }, { token: await token(ANA) });
    expect(res.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(await enterpriseRows()).toBe(0);
  });

  let first: string;
  it('Ana submits her licence (lower case and spaces are fine): it waits for review; a second is CONFLICT', async () => {
    const res = await stack.gql(
      SUBMIT,
      { input: { ...INPUT, creditCode: ' 91440300 1922038216 '.toLowerCase() } },
      { token: await token(ANA) },
    );
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.submitEnterpriseVerification).toMatchObject({
      memberId: ANA.id,
      kind: 'ENTERPRISE',
      status: 'PENDING',
      creditCode: CREDIT_CODE,
    });
    first = res.body.data.submitEnterpriseVerification.id;
    expect(codeOf(await stack.gql(SUBMIT, { input: INPUT }, { token: await token(ANA) }))).toBe('CONFLICT');
    expect((await stack.gql(ENTERPRISE, {}, { token: await token(ANA) })).body.data.me.enterpriseVerification).toBeNull();
  });

  it('the licence details are sealed at rest', async () => {
    const [row] = await stack.database.rows<{ row: string }>(sql`select t::text as row from identity.verifications t where id = ${first}`);
    for (const value of [CREDIT_CODE, '安娜贸易', 'ana-licence']) expect(row!.row).not.toContain(value);
  });

  it('the reviewer sees it in the queue with the company details', async () => {
    const res = await stack.gql(QUEUE, {}, { token: await reviewer(), headers: REVIEW });
    expect(res.body.data.verificationReviewQueue.edges.map((e: { node: unknown }) => e.node)).toContainEqual({
      id: first,
      kind: 'ENTERPRISE',
      companyName: INPUT.companyName,
      creditCode: CREDIT_CODE,
    });
  });

  it('staff without verification:review cannot decide it', async () => {
    const res = await stack.gql(APPROVE, { id: first }, { token: await stack.staffToken(['members:read']) });
    expect(codeOf(res)).toBe('FORBIDDEN');
  });

  it('a rejection reaches Ana with the reason; she submits again', async () => {
    const res = await stack.gql(REJECT, { id: first, reason: 'The licence image is cut off.' }, { token: await reviewer() });
    expect(res.body.data.rejectVerification).toMatchObject({ status: 'REJECTED' });
    const notice = (await stack.gql(INBOX, {}, { token: await token(ANA) })).body.data.me.inbox.edges[0].node;
    expect(notice).toMatchObject({ kind: 'VERIFICATION_DECIDED', title: 'Your enterprise verification was not approved' }); // Ana reads English (the seed's choice)
    expect(notice.body).toContain('The licence image is cut off');
  });

  it("approved: Ana's enterprise verification shows on her, the decision is logged and she is told", async () => {
    const again = await stack.gql(SUBMIT, { input: INPUT }, { token: await token(ANA) });
    const id = again.body.data.submitEnterpriseVerification.id;
    const res = await stack.gql(APPROVE, { id, reason: 'Matches the registry.' }, { token: await reviewer() });
    expect(res.body.errors).toBeUndefined();
    const me = (await stack.gql(ENTERPRISE, {}, { token: await token(ANA) })).body.data.me;
    expect(me).toMatchObject({ memberType: 'ENTERPRISE', verificationLevel: 'NONE' });
    expect(me.enterpriseVerification).toMatchObject({
      kind: 'ENTERPRISE',
      status: 'APPROVED',
      companyName: INPUT.companyName,
      creditCode: CREDIT_CODE,
    });
    const [op] = await stack.database.rows<{ after: { level: string; status: string }; reason: string }>(
      sql`select "after", reason from identity.staff_operation_log where target_id = ${id} and operation = 'verification.approve'`,
    );
    expect(op).toMatchObject({ after: { level: 'enterprise', status: 'approved' }, reason: 'Matches the registry.' });
    const notice = (await stack.gql(INBOX, {}, { token: await token(ANA) })).body.data.me.inbox.edges[0].node;
    expect(notice.title).toBe('Your enterprise verification is approved');
  });

  it('staff with members:read but no pii:identity:read do not see it', async () => {
    const staff = await stack.staffToken(['members:read']);
    const res = await stack.gql(
      `query ($id: ID!) { member(id: $id) { enterpriseVerification { companyName } } }`,
      { id: ANA.id },
      { token: staff, headers: REVIEW },
    );
    expect(res.body.data.member.enterpriseVerification).toBeNull();
  });

  it('Bo cannot have the company Ana verified (CONFLICT naming creditCode); another company is fine', async () => {
    await stack.gql(SET_TYPE, { t: 'ENTERPRISE' }, { token: await token(BO) });
    const taken = await stack.gql(SUBMIT, { input: { ...INPUT, companyName: '波公司' } }, { token: await token(BO) });
    expect(codeOf(taken)).toBe('CONFLICT');
    expect(fieldOf(taken)).toBe('creditCode');
    const other = await stack.gql(
      SUBMIT,
      { input: { ...INPUT, companyName: '波公司', creditCode: OTHER_CODE } },
      { token: await token(BO) },
    );
    expect(other.body.errors).toBeUndefined();
  });

  it('two companies racing for one credit code: only one approval holds', async () => {
    await stack.gql(SET_TYPE, { t: 'ENTERPRISE' }, { token: await token(CHEN) });
    const code = `91310000MA1FL0000${creditCodeCheckCharacter('91310000MA1FL0000')}`;
    // Chen and Bo's pending one both name the same company; Bo's other is pending already, so Chen submits alone.
    const chen = await stack.gql(SUBMIT, { input: { ...INPUT, companyName: '陈公司', creditCode: code } }, { token: await token(CHEN) });
    const chenId = chen.body.data.submitEnterpriseVerification.id;
    const bo = await stack.gql(`{ me { verifications { id kind status } } }`, {}, { token: await token(BO) });
    const boId = bo.body.data.me.verifications.find((v: { kind: string }) => v.kind === 'ENTERPRISE').id;
    await stack.database.rows(
      sql`update identity.verifications set credit_code_lookup = (select credit_code_lookup from identity.verifications where id = ${chenId}) where id = ${boId}`,
    );
    const results = await Promise.all([chenId, boId].map(async (id) => stack.gql(APPROVE, { id }, { token: await reviewer() })));
    expect(results.map((r) => codeOf(r) ?? 'OK').sort()).toEqual(['CONFLICT', 'OK']);
  });

  it('switching back to INDIVIDUAL hides the enterprise verification: enterprise features stop', async () => {
    await stack.gql(SET_TYPE, { t: 'INDIVIDUAL' }, { token: await token(ANA) });
    expect((await stack.gql(ENTERPRISE, {}, { token: await token(ANA) })).body.data.me.enterpriseVerification).toBeNull();
  });

  it("Ana's data export lists her enterprise submissions with the company details and the decisions", async () => {
    const requested = await stack.gql(`mutation { requestDataExport { id } }`, {}, { token: await token(ANA) });
    const id = requested.body.data.requestDataExport.id;
    const subgraphUrls = Object.fromEntries(
      Object.entries(stack.subgraphs)
        .filter(([n]) => n !== 'identity')
        .map(([n, s]) => [n, s.url]),
    );
    await runPendingExports(
      systemServices({
        database: stack.database,
        env: { ...TEST_ENV },
        logger: createLogger('test', 'silent'),
        now: () => clock,
        subgraphUrls,
      }).dataExport,
      clock,
    );
    const res = await stack.gql(`query ($id: ID!) { dataExport(id: $id) { downloadJson } }`, { id }, { token: await token(ANA) });
    const doc = JSON.parse(res.body.data.dataExport.downloadJson);
    const enterprise = doc.identity.verificationSubmissions.filter((v: { level: string }) => v.level === 'enterprise');
    expect(enterprise).toEqual([
      expect.objectContaining({
        status: 'rejected',
        rejectionKind: 'insufficient',
        companyName: INPUT.companyName,
        creditCode: CREDIT_CODE,
      }),
      expect.objectContaining({ status: 'approved', rejectionKind: null, licenceDocumentRef: INPUT.licenceDocumentRef }),
    ]);
  });
});
