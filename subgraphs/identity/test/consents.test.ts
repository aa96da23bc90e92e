import { describe, expect, it } from 'vitest';
import { sql } from '@membership/db';
import { DEMO_MEMBERS } from '@membership/stack';
import { callSubgraph, type TestStack } from '@membership/testing';
import { useTestStack } from '@membership/testing/per-file';

let clock = new Date();
let stack: TestStack;
useTestStack({ now: () => clock, beforeEachTest: () => (clock = new Date(clock.getTime() + 1000)), started: (s) => (stack = s) });

const [ANA] = DEMO_MEMBERS;
const LEE = '00000000-0000-4000-8000-0000000001ee';
const PUBLISH = `mutation ($input: PublishPolicyInput!) { publishPolicyVersion(input: $input) { id kind version textHash publishedAt } }`;
const ACCEPT = `mutation ($kind: PolicyKind!, $version: String!) { acceptPolicy(kind: $kind, version: $version, channel: APP, method: BUTTON) { policy { kind version } acceptedAt channel method } }`;
const MARKETING = `mutation ($input: MarketingPreferencesInput!) { updateMarketingPreferences(input: $input) { sms email push personalisedRecommendations } }`;
const GRANT = `mutation ($p: String!, $c: PiiCategory!) { grantPartnerConsent(partnerId: $p, category: $c) { partnerId category granted recordedAt } }`;
const REVOKE = `mutation ($p: String!, $c: PiiCategory!) { revokePartnerConsent(partnerId: $p, category: $c) { partnerId category granted } }`;
const MINE = `{ me { marketingPreferences { sms email push personalisedRecommendations }
  consents { policyAcceptances { policy { kind version } channel method } policiesToAccept { kind version }
    partnerSharing { partnerId category granted } history { purpose marketingChannel partnerId category granted channel method } } } }`;
const codeOf = (res: { body: { errors?: { extensions?: { code?: string } }[] } }) => res.body.errors?.[0]?.extensions?.code;
const ana = () => stack.memberToken(ANA.id);
const lee = () => stack.staffToken(['policy:publish', 'audit:read'], LEE);
const publish = async (kind: string, version: string, text = `${kind} ${version} text`, reason = 'Legal review 2026') =>
  stack.gql(PUBLISH, { input: { kind, version, text, reason } }, { token: await lee() });
const mine = async () => (await stack.gql(MINE, {}, { token: await ana() })).body.data.me;

async function rows(table: string): Promise<number> {
  const [row] = await stack.database.rows<{ n: string | number }>(sql.raw(`select count(*) as n from identity.${table}`));
  return Number(row?.n);
}
async function written() {
  return {
    notices: await rows('inbox_notices'),
    policies: await rows('policy_versions'),
    acceptances: await rows('policy_acceptances'),
    consents: await rows('consent_records'),
    operations: await rows('staff_operation_log'),
  };
}

describe('publishing policy versions', () => {
  it('Chen (support, no policy:publish) cannot publish a policy version', async () => {
    const res = await stack.gql(
      PUBLISH,
      { input: { kind: 'PRIVACY', version: '2026-11', text: 'x', reason: 'r' } },
      { token: await stack.staffToken(['members:read']) },
    );
    expect(codeOf(res)).toBe('FORBIDDEN');
  });

  it('Lee (policy:publish) publishes privacy policy 2026-11 and terms 1.0; each is in the staff operation log with its hash', async () => {
    const privacy = await publish('PRIVACY', '2026-11', 'We keep your data safe.');
    expect(privacy.body.data.publishPolicyVersion).toMatchObject({ kind: 'PRIVACY', version: '2026-11', publishedAt: clock.toISOString() });
    expect(privacy.body.data.publishPolicyVersion.textHash).toMatch(/^[0-9a-f]{64}$/);
    expect((await publish('TERMS', '1.0')).body.errors).toBeUndefined();
    const log = await stack.gql(
      `{ staffOperationLog(first: 5) { edges { node { actorId operation targetId after reason } } } }`,
      {},
      { token: await lee() },
    );
    const ops = log.body.data.staffOperationLog.edges
      .map((e: { node: { operation: string } }) => e.node)
      .filter((n: { operation: string }) => n.operation === 'policy.publish');
    expect(ops).toHaveLength(2);
    const logged = ops.find((op: { targetId: string }) => op.targetId === privacy.body.data.publishPolicyVersion.id);
    expect(logged).toMatchObject({ actorId: LEE, reason: 'Legal review 2026' });
    expect(JSON.parse(logged.after)).toEqual({
      kind: 'privacy',
      version: '2026-11',
      textHash: privacy.body.data.publishPolicyVersion.textHash,
    });
    const inbox = await stack.gql(`{ me { inbox { edges { node { kind title } } } } }`, {}, { token: await ana() });
    expect(
      inbox.body.data.me.inbox.edges.map((e: { node: unknown }) => e.node).filter((n: { kind: string }) => n.kind === 'POLICY_CHANGED'),
    ).toEqual(
      expect.arrayContaining([
        { kind: 'POLICY_CHANGED', title: 'New privacy policy: version 2026-11' },
        { kind: 'POLICY_CHANGED', title: 'New terms: version 1.0' },
      ]),
    );
    const current = await stack.gql(`{ currentPolicies { kind version } }`);
    expect(current.body.data.currentPolicies).toEqual([
      { kind: 'PRIVACY', version: '2026-11' },
      { kind: 'TERMS', version: '1.0' },
    ]);
  });

  it.each([
    ['the same version again', 'CONFLICT', 'PRIVACY', '2026-11', 'text', 'reason'],
    ['a version with a space', 'BAD_USER_INPUT', 'PRIVACY', 'v 2', 'text', 'reason'],
    ['an empty text', 'BAD_USER_INPUT', 'PRIVACY', '2027-01', '  ', 'reason'],
    ['no reason', 'BAD_USER_INPUT', 'PRIVACY', '2027-01', 'text', ' '],
  ])('Lee publishing %s gets %s and nothing is written', async (_what, code, kind, version, text, reason) => {
    const before = await written();
    expect(codeOf(await publish(kind, version, text, reason))).toBe(code);
    expect(await written()).toEqual(before);
  });
});

describe('accepting policies', () => {
  it('Ana has both policies to accept; turning on email marketing is POLICY_ACCEPTANCE_REQUIRED and writes nothing', async () => {
    expect((await mine()).consents.policiesToAccept).toEqual([
      { kind: 'PRIVACY', version: '2026-11' },
      { kind: 'TERMS', version: '1.0' },
    ]);
    const before = await written();
    const direct = await callSubgraph(stack, 'identity', MARKETING, { input: { email: true } }, { kind: 'member', memberId: ANA.id });
    expect(direct.body.errors?.[0]?.extensions).toMatchObject({ code: 'POLICY_ACCEPTANCE_REQUIRED', field: 'policy' });
    expect(direct.body.errors?.[0]?.message).toBe('Accept the privacy policy 2026-11 and terms 1.0 with acceptPolicy first.');
    const viaGateway = await stack.gql(MARKETING, { input: { email: true } }, { token: await ana() });
    expect(viaGateway.body.errors?.[0]?.extensions).toMatchObject({ code: 'POLICY_ACCEPTANCE_REQUIRED', field: 'policy' });
    expect(viaGateway.body.data?.updateMarketingPreferences ?? null).toBeNull();
    expect(await written()).toEqual(before);
  });

  it.each([
    ['a version never published', '9.9'],
    ['a malformed version', 'v 1'],
  ])('Ana accepting %s gets BAD_USER_INPUT and nothing is written', async (_what, version) => {
    const before = await written();
    expect(codeOf(await stack.gql(ACCEPT, { kind: 'PRIVACY', version }, { token: await ana() }))).toBe('BAD_USER_INPUT');
    expect(await written()).toEqual(before);
  });

  it('Ana accepts both in the app; accepting again records nothing more', async () => {
    const res = await stack.gql(ACCEPT, { kind: 'PRIVACY', version: '2026-11' }, { token: await ana() });
    expect(res.body.data.acceptPolicy).toMatchObject({
      policy: { kind: 'PRIVACY', version: '2026-11' },
      acceptedAt: clock.toISOString(),
      channel: 'APP',
      method: 'BUTTON',
    });
    await stack.gql(ACCEPT, { kind: 'TERMS', version: '1.0' }, { token: await ana() });
    const before = await rows('policy_acceptances');
    expect((await stack.gql(ACCEPT, { kind: 'TERMS', version: '1.0' }, { token: await ana() })).body.errors).toBeUndefined();
    expect(await rows('policy_acceptances')).toBe(before);
    expect((await mine()).consents.policiesToAccept).toEqual([]);
  });
});

describe('marketing and partner consents', () => {
  it('Ana turns on email and push marketing; SMS stays off', async () => {
    const res = await stack.gql(
      MARKETING,
      { input: { email: true, push: true, sms: false, channel: 'APP', method: 'BUTTON' } },
      { token: await ana() },
    );
    expect(res.body.data.updateMarketingPreferences).toEqual({ sms: false, email: true, push: true, personalisedRecommendations: false });
    expect((await mine()).consents.history).toHaveLength(2);
  });

  it('an update naming no preference is BAD_USER_INPUT and writes nothing', async () => {
    const before = await written();
    expect(codeOf(await stack.gql(MARKETING, { input: { channel: 'WEB' } }, { token: await ana() }))).toBe('BAD_USER_INPUT');
    expect(await written()).toEqual(before);
  });

  it('Ana withdraws email marketing and it is off at once; the history keeps the grant', async () => {
    const res = await stack.gql(MARKETING, { input: { email: false } }, { token: await ana() });
    expect(res.body.data.updateMarketingPreferences.email).toBe(false);
    const me = await mine();
    expect(me.marketingPreferences).toEqual({ sms: false, email: false, push: true, personalisedRecommendations: false });
    expect(me.consents.history[0]).toEqual({
      purpose: 'MARKETING',
      marketingChannel: 'EMAIL',
      partnerId: null,
      category: null,
      granted: false,
      channel: 'WEB',
      method: 'CHECKBOX',
    });
    expect(
      me.consents.history
        .filter((h: { marketingChannel: string }) => h.marketingChannel === 'EMAIL')
        .map((h: { granted: boolean }) => h.granted),
    ).toEqual([false, true]);
  });

  it('after privacy policy 2027-01 takes effect Ana may still withdraw push, but turning on SMS needs the new version', async () => {
    expect((await publish('PRIVACY', '2027-01')).body.errors).toBeUndefined();
    // Announced POLICY_NOTICE_DAYS (30) ahead: it replaces 2026-11 on its date.
    clock = new Date(clock.getTime() + 31 * 86_400_000);
    const withdrawn = await stack.gql(MARKETING, { input: { push: false } }, { token: await ana() });
    expect(withdrawn.body.data.updateMarketingPreferences.push).toBe(false);
    const before = await written();
    const direct = await callSubgraph(stack, 'identity', MARKETING, { input: { sms: true } }, { kind: 'member', memberId: ANA.id });
    expect(direct.body.errors?.[0]?.extensions?.code).toBe('POLICY_ACCEPTANCE_REQUIRED');
    expect(await written()).toEqual(before);
    expect((await mine()).consents.policiesToAccept).toEqual([{ kind: 'PRIVACY', version: '2027-01' }]);
  });

  it('Ana cannot accept the replaced privacy version 2026-11 any more (BAD_USER_INPUT names the current one)', async () => {
    const res = await stack.gql(ACCEPT, { kind: 'PRIVACY', version: '2026-11' }, { token: await ana() });
    expect(codeOf(res)).toBe('BAD_USER_INPUT');
    expect(res.body.errors?.[0]?.message).toMatch(/replaced by 2027-01/);
  });

  it('Ana accepts 2027-01, lets partner acme-travel receive her CONTACT data, then withdraws it; the history keeps both', async () => {
    await stack.gql(ACCEPT, { kind: 'PRIVACY', version: '2027-01' }, { token: await ana() });
    const granted = await stack.gql(GRANT, { p: 'acme-travel', c: 'CONTACT' }, { token: await ana() });
    expect(granted.body.data.grantPartnerConsent).toMatchObject({ partnerId: 'acme-travel', category: 'CONTACT', granted: true });
    expect((await mine()).consents.partnerSharing).toEqual([{ partnerId: 'acme-travel', category: 'CONTACT', granted: true }]);
    const revoked = await stack.gql(REVOKE, { p: 'acme-travel', c: 'CONTACT' }, { token: await ana() });
    expect(revoked.body.data.revokePartnerConsent).toEqual({ partnerId: 'acme-travel', category: 'CONTACT', granted: false });
    const me = await mine();
    expect(me.consents.partnerSharing).toEqual([]);
    expect(
      me.consents.history
        .filter((h: { partnerId: string | null }) => h.partnerId === 'acme-travel')
        .map((h: { granted: boolean }) => h.granted),
    ).toEqual([false, true]);
  });

  it('revoking a consent Ana never gave records nothing; a malformed partner id is BAD_USER_INPUT', async () => {
    const before = await written();
    expect((await stack.gql(REVOKE, { p: 'globex', c: 'LOCATION' }, { token: await ana() })).body.data.revokePartnerConsent.granted).toBe(
      false,
    );
    expect(codeOf(await stack.gql(GRANT, { p: 'acme travel', c: 'CONTACT' }, { token: await ana() }))).toBe('BAD_USER_INPUT');
    expect(await written()).toEqual(before);
  });

  it("staff without members:read cannot read Ana's consents; with it they can", async () => {
    const query = `query ($id: ID!) { member(id: $id) { marketingPreferences { push } } }`;
    expect(codeOf(await stack.gql(query, { id: ANA.id }, { token: await stack.staffToken(['audit:read']) }))).toBe('FORBIDDEN');
    const ok = await stack.gql(query, { id: ANA.id }, { token: await stack.staffToken(['members:read']) });
    expect(ok.body.data.member.marketingPreferences).toEqual({ push: false });
  });
});
