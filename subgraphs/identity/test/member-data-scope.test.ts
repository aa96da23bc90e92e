import { describe, expect, it } from 'vitest';
import { DEMO_MEMBERS } from '@membership/stack';
import { TEST_ENV, type TestStack } from '@membership/testing';
import { useTestStack } from '@membership/testing/per-file';
import { identityStores } from '../src/db/stores.js';
import { createKeyRing } from '../src/domain/encryption.js';
import { ALL_MEMBERS, type MemberDataScope } from '../src/domain/scope.js';
import { loadIdentityEnv } from '../src/env.js';

let stack: TestStack;
useTestStack({ now: () => new Date(), started: (s) => (stack = s) });

const [ANA, BO] = DEMO_MEMBERS;
const REQUEST = `mutation { requestDataExport { id } }`;
const storesFor = (scope: MemberDataScope) => identityStores(stack.database.db, createKeyRing(loadIdentityEnv({ ...TEST_ENV })), scope);

describe("a request's stores see only what its viewer may see", () => {
  it("Ana's stores do not find Bo's data export, even by its id; staff stores find both; a stranger's find none", async () => {
    const ids: Record<string, string> = {};
    for (const m of [ANA!, BO!]) {
      const res = await stack.gql(REQUEST, {}, { token: await stack.memberToken(m.id) });
      expect(res.body.errors).toBeUndefined();
      ids[m.id] = res.body.data.requestDataExport.id;
    }
    const both = [ANA!.id, BO!.id];

    const anas = storesFor({ kind: 'member', memberId: ANA!.id });
    expect([...(await anas.exports.recentFor(both, 10)).keys()]).toEqual([ANA!.id]);
    expect(await anas.exports.byIdForMember(ids[BO!.id]!, BO!.id)).toBeUndefined();
    expect(await anas.exports.pendingFor(BO!.id)).toBeUndefined();
    expect((await anas.exports.pendingFor(ANA!.id))?.id).toBe(ids[ANA!.id]);

    expect([...(await storesFor(ALL_MEMBERS).exports.recentFor(both, 10)).keys()].sort()).toEqual([...both].sort());
    expect((await storesFor({ kind: 'none' }).exports.recentFor(both, 10)).size).toBe(0);
  });

  it("inside a transaction the stores keep the scope: Ana's still do not find Bo's export", async () => {
    const anas = storesFor({ kind: 'member', memberId: ANA!.id });
    const seen = await anas.transaction((tx) => tx.exports.recentFor([ANA!.id, BO!.id], 10));
    expect([...seen.keys()]).toEqual([ANA!.id]);
  });
});
