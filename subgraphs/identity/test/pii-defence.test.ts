/**
 * Identity applies the gateway's category rule to its own @pii fields too (defence in depth):
 * whoever reaches identity with a validly signed viewer, past the gateway's PII layer or
 * around it, gets a personal value only as the rule allows.
 */
import { describe, expect, it } from 'vitest';
import { DEMO_MEMBERS } from '@membership/stack';
import { callSubgraph, type TestStack } from '@membership/testing';
import { useTestStack } from '@membership/testing/per-file';
import type { Viewer } from '@membership/viewer';
import { checkCharacter } from '../src/domain/resident-id.js';

let clock = new Date();
let stack: TestStack;
useTestStack({ now: () => clock, beforeEachTest: () => (clock = new Date(clock.getTime() + 1000)), started: (s) => (stack = s) });

const [ANA, BO] = DEMO_MEMBERS;
const ANA_ID = `11010519900307002${checkCharacter('11010519900307002')}`;
const EVERYONE = `query Everyone($n: Int) { members(first: $n) { edges { node { id email phone verifications { realName idNumber } } } } }`;
const ONE = `query One($id: ID!) { member(id: $id) { id email phone verifications { realName idNumber } } }`;
const sam = (scopes: string[], purpose?: string): Viewer => ({
  kind: 'staff',
  staffId: '00000000-0000-4000-8000-00000000057a',
  scopes: ['members:read', 'verification:review', ...scopes],
  ...(purpose ? { purpose } : {}),
});
const ana = async (viewer: Viewer) => (await callSubgraph(stack, 'identity', ONE, { id: ANA.id }, viewer)).body;

describe("identity's own @pii fields, asked directly with a signed viewer", () => {
  it('Ana verifies herself first, so there is an ID number to protect', async () => {
    const res = await stack.gql(
      `mutation ($input: PrimaryVerificationInput!) { submitPrimaryVerification(input: $input) { status } }`,
      { input: { realName: '王安娜', idNumber: ANA_ID } },
      { token: await stack.memberToken(ANA.id) },
    );
    expect(res.body.data.submitPrimaryVerification.status).toBe('APPROVED');
  });

  it("Sam (members:read, verification:review, no pii scope) asking identity for everyone's contact and identity data gets no personal value at all", async () => {
    const res = await callSubgraph(stack, 'identity', EVERYONE, { n: 100 }, sam([], 'support'));
    expect(res.status).toBe(200);
    const nodes = res.body.data.members.edges.map((e: { node: Record<string, unknown> }) => e.node);
    expect(nodes.length).toBeGreaterThanOrEqual(4);
    const text = JSON.stringify(nodes);
    expect(text).not.toMatch(/@example\.com|\+86|王安娜|110105/);
    for (const node of nodes) {
      expect([node.email, node.phone]).toEqual([null, null]);
      for (const v of node.verifications as { realName: unknown; idNumber: unknown }[])
        expect([v.realName, v.idNumber]).toEqual([null, null]);
    }
  });

  it("Sam with pii:contact:masked but no purpose gets nothing; with an accepted purpose, Ana's and Bo's contact masked, still no identity data", async () => {
    expect((await ana(sam(['pii:contact:masked']))).data.member).toMatchObject({ email: null, phone: null });
    expect((await ana(sam(['pii:contact:masked'], 'curiosity'))).data.member).toMatchObject({ email: null });
    expect((await ana(sam(['pii:contact:masked'], 'support'))).data.member).toMatchObject({
      email: 'a***@example.com',
      verifications: [{ realName: null, idNumber: null }],
    });
    const bo = await callSubgraph(stack, 'identity', ONE, { id: BO.id }, sam(['pii:contact:masked'], 'support'));
    expect(bo.body.data.member.phone).toBe('138****5678');
  });

  it("Rui (pii:identity:read, verification-review) reads Ana's real name and ID number in full; with pii:identity:masked, masked", async () => {
    expect((await ana(sam(['pii:identity:read'], 'verification-review'))).data.member.verifications).toEqual([
      { realName: '王安娜', idNumber: ANA_ID },
    ]);
    expect((await ana(sam(['pii:identity:masked'], 'verification-review'))).data.member.verifications).toEqual([
      { realName: '王**', idNumber: `110${'*'.repeat(11)}${ANA_ID.slice(-4)}` },
    ]);
  });

  it('Ana reads her own in full; the gateway, signing as itself, reads none', async () => {
    const own = await callSubgraph(
      stack,
      'identity',
      `{ me { email verifications { idNumber } } }`,
      {},
      { kind: 'member', memberId: ANA.id },
    );
    expect(own.body.data.me).toEqual({ email: ANA.email, verifications: [{ idNumber: ANA_ID }] });
    const service = await callSubgraph(stack, 'identity', ONE, { id: ANA.id }, { kind: 'service', service: 'gateway' });
    expect(service.body.data?.member ?? null).toBeNull();
  });

  it("through the gateway, Chen (support, masked contact) still sees Bo's phone as 138****5678: masked once by identity, unchanged by the gateway", async () => {
    const res = await stack.gql(
      ONE,
      { id: BO.id },
      { token: await stack.staffToken(['members:read', 'pii:contact:masked']), headers: { 'x-access-purpose': 'support' } },
    );
    expect(res.body.data.member.phone).toBe('138****5678');
  });
});
