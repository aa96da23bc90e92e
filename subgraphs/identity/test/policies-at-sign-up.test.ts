import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '@membership/db';
import { startTestStack, type TestStack } from '@membership/testing';

// Near real time; moved a day at a time to cross a policy's effective date.
let clock = new Date();
const days = (n: number) => (clock = new Date(clock.getTime() + n * 86_400_000));
let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ now: () => clock, env: { POLICY_NOTICE_DAYS: '7' } });
});
afterAll(async () => {
  await stack?.stop();
});

const LEE = '00000000-0000-4000-8000-0000000001ee';
const PUBLISH = `mutation ($input: PublishPolicyInput!) { publishPolicyVersion(input: $input) { id kind version textHash effectiveAt } }`;
const REGISTER = `mutation ($input: RegisterInput!) { register(input: $input) { accessToken member { id } } }`;
const MARKETING = `mutation { updateMarketingPreferences(input: { sms: true }) { sms } }`;
const ACCEPT = `mutation ($kind: PolicyKind!, $version: String!) { acceptPolicy(kind: $kind, version: $version) { policy { version } } }`;
const MINE = `{ me { consents { policyAcceptances { policy { kind version textHash } channel method textHash } policiesToAccept { kind version } } } }`;
const CURRENT = `{ currentPolicies { kind version } }`;
const PASSWORD = 'Harbour-lights-42';
const codeOf = (res: { body: { errors?: { extensions?: { code?: string } }[] } }) => res.body.errors?.[0]?.extensions?.code;
const lee = () => stack.staffToken(['policy:publish'], LEE);
const publish = async (kind: string, version: string, extra: Record<string, unknown> = {}) =>
  stack.gql(
    PUBLISH,
    { input: { kind, version, text: `The ${kind.toLowerCase()} ${version}: be kind.`, reason: 'Legal review', ...extra } },
    { token: await lee() },
  );
const registerAs = (email: string, acceptedPolicies?: { kind: string; version: string }[]) =>
  stack.gql(REGISTER, {
    input: {
      email,
      password: PASSWORD,
      displayName: email.split('@')[0],
      acceptedPolicies,
      consentChannel: 'APP',
      consentMethod: 'BUTTON',
    },
  });
async function count(table: string): Promise<number> {
  const [row] = await stack.database.rows<{ n: string | number }>(sql.raw(`select count(*) as n from identity.${table}`));
  return Number(row?.n);
}

let jia: string;
let terms1Hash: string;

describe('accepting the terms and privacy policy at sign-up', () => {
  it('the first terms and privacy versions take effect at once, and anyone can read their text', async () => {
    const terms = await publish('TERMS', '1.0');
    expect(terms.body.data.publishPolicyVersion.effectiveAt).toBe(clock.toISOString());
    terms1Hash = terms.body.data.publishPolicyVersion.textHash;
    expect((await publish('PRIVACY', '1.0')).body.errors).toBeUndefined();
    const text = await stack.gql(`{ policyVersion(kind: TERMS, version: "1.0") { version text textHash } }`);
    expect(text.body.data.policyVersion).toEqual({ version: '1.0', text: 'The terms 1.0: be kind.', textHash: terms1Hash });
    expect((await stack.gql(`{ policyVersion(kind: TERMS, version: "9.9") { text } }`)).body.data.policyVersion).toBeNull();
  });

  it('Lin registering without accepting is POLICY_ACCEPTANCE_REQUIRED naming both versions, and nothing is written', async () => {
    const members = await count('members');
    const none = await registerAs('lin@example.com');
    expect(codeOf(none)).toBe('POLICY_ACCEPTANCE_REQUIRED');
    expect(none.body.errors?.[0]?.extensions?.policies).toEqual([
      { kind: 'PRIVACY', version: '1.0' },
      { kind: 'TERMS', version: '1.0' },
    ]);
    const termsOnly = await registerAs('lin@example.com', [{ kind: 'TERMS', version: '1.0' }]);
    expect(codeOf(termsOnly)).toBe('POLICY_ACCEPTANCE_REQUIRED');
    expect(termsOnly.body.errors?.[0]?.message).toMatch(/privacy policy 1\.0/);
    const wrong = await registerAs('lin@example.com', [
      { kind: 'TERMS', version: '0.9' },
      { kind: 'PRIVACY', version: '1.0' },
    ]);
    expect(codeOf(wrong)).toBe('BAD_USER_INPUT');
    expect(await count('members')).toBe(members);
    expect(await count('policy_acceptances')).toBe(0);
  });

  it('Jia registers accepting both; both acceptances are recorded with where, how and the text hash', async () => {
    const res = await registerAs('jia@example.com', [
      { kind: 'TERMS', version: '1.0' },
      { kind: 'PRIVACY', version: '1.0' },
    ]);
    expect(res.body.errors).toBeUndefined();
    jia = res.body.data.register.accessToken;
    const me = (await stack.gql(MINE, {}, { token: jia })).body.data.me;
    expect(me.consents.policiesToAccept).toEqual([]);
    const terms = me.consents.policyAcceptances.find((a: { policy: { kind: string } }) => a.policy.kind === 'TERMS');
    expect(terms).toEqual({
      policy: { kind: 'TERMS', version: '1.0', textHash: terms1Hash },
      channel: 'APP',
      method: 'BUTTON',
      textHash: terms1Hash,
    });
    expect(me.consents.policyAcceptances).toHaveLength(2);
  });
});

describe('a new version announced for next week', () => {
  it('Lee cannot make terms 2.0 take effect sooner than the 7-day notice', async () => {
    const soon = await publish('TERMS', '2.0', { effectiveAt: new Date(clock.getTime() + 3 * 86_400_000).toISOString() });
    expect(codeOf(soon)).toBe('BAD_USER_INPUT');
    expect(soon.body.errors?.[0]?.extensions?.field).toBe('effectiveAt');
  });

  it('terms 2.0 is announced for next week: Jia gets a notice with the date, and nothing is blocked today', async () => {
    const published = await publish('TERMS', '2.0');
    const effectiveAt = new Date(clock.getTime() + 7 * 86_400_000).toISOString();
    expect(published.body.data.publishPolicyVersion.effectiveAt).toBe(effectiveAt);
    const inbox = await stack.gql(`{ me { inbox(first: 5) { edges { node { kind body } } } } }`, {}, { token: jia });
    const notice = inbox.body.data.me.inbox.edges
      .map((e: { node: { kind: string; body: string } }) => e.node)
      .find((n: { kind: string }) => n.kind === 'POLICY_CHANGED');
    // Jia chose no language at sign-up: she reads it in Simplified Chinese, the default.
    expect(notice.body).toContain(`新版会员条款将于 ${effectiveAt.slice(0, 10)} 生效`);

    expect((await stack.gql(CURRENT)).body.data.currentPolicies).toEqual([
      { kind: 'PRIVACY', version: '1.0' },
      { kind: 'TERMS', version: '1.0' },
    ]);
    const marketing = await stack.gql(MARKETING, {}, { token: jia });
    expect(marketing.body.errors).toBeUndefined();
    expect((await stack.gql(MINE, {}, { token: jia })).body.data.me.consents.policiesToAccept).toEqual([]);
    const kai = await registerAs('kai@example.com', [
      { kind: 'TERMS', version: '1.0' },
      { kind: 'PRIVACY', version: '1.0' },
    ]);
    expect(kai.body.errors).toBeUndefined();
    // Kai reads the announced version and accepts it ahead of its date.
    expect(
      (await stack.gql(ACCEPT, { kind: 'TERMS', version: '2.0' }, { token: kai.body.data.register.accessToken })).body.errors,
    ).toBeUndefined();
  });

  it('after its date terms 2.0 applies: Jia must accept it to turn on marketing, Kai who accepted ahead need not, sign-up asks for 2.0', async () => {
    days(8);
    expect((await stack.gql(CURRENT)).body.data.currentPolicies).toContainEqual({ kind: 'TERMS', version: '2.0' });
    const blocked = await stack.gql(`mutation { updateMarketingPreferences(input: { email: true }) { email } }`, {}, { token: jia });
    expect(codeOf(blocked)).toBe('POLICY_ACCEPTANCE_REQUIRED');
    expect(blocked.body.errors?.[0]?.extensions?.policies).toEqual([{ kind: 'TERMS', version: '2.0' }]);
    expect((await stack.gql(MINE, {}, { token: jia })).body.data.me.consents.policiesToAccept).toEqual([{ kind: 'TERMS', version: '2.0' }]);

    expect((await stack.gql(ACCEPT, { kind: 'TERMS', version: '2.0' }, { token: jia })).body.errors).toBeUndefined();
    expect(
      (await stack.gql(`mutation { updateMarketingPreferences(input: { email: true }) { email } }`, {}, { token: jia })).body.data
        .updateMarketingPreferences.email,
    ).toBe(true);

    const [kaiRow] = await stack.database.rows<{ id: string }>(
      sql`select m.id from identity.members m order by registered_at desc limit 1`,
    );
    const kai = await stack.memberToken(kaiRow!.id);
    expect((await stack.gql(MARKETING, {}, { token: kai })).body.errors).toBeUndefined();

    const old = await registerAs('mo@example.com', [
      { kind: 'TERMS', version: '1.0' },
      { kind: 'PRIVACY', version: '1.0' },
    ]);
    expect(codeOf(old)).toBe('BAD_USER_INPUT');
    expect(old.body.errors?.[0]?.message).toMatch(/version 2\.0/);
  });
});
