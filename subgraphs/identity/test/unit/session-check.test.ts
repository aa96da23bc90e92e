import { describe, expect, it } from 'vitest';
import type { MemberBan, StaffAccount } from '../../src/domain/records.js';
import { sessionStatus, type SessionCheckDeps } from '../../src/domain/session-check.js';

const ANA = '00000000-0000-4000-8000-0000000000a1';
const SAM = '00000000-0000-4000-8000-00000000057a';
const FAMILY = '11111111-1111-4111-8111-111111111111';
const NOW = new Date('2026-11-30T10:00:00Z');

function deps(state: {
  live?: boolean;
  erased?: boolean;
  noMember?: boolean;
  bans?: MemberBan[];
  staff?: Partial<StaffAccount> | null;
}): SessionCheckDeps {
  return {
    sessions: { memberSession: async () => (state.noMember ? undefined : { live: state.live ?? true, erased: state.erased ?? false }) },
    bans: { inForce: async () => state.bans ?? [] },
    staff: {
      byId: async () =>
        state.staff === null ? undefined : ({ id: SAM, disabledAt: null, sessionVersion: 3, ...state.staff } as StaffAccount),
    },
    now: () => NOW,
  };
}
const member = (session = FAMILY) => ({ kind: 'member' as const, subject: ANA, session });
const staff = (session: string) => ({ kind: 'staff' as const, subject: SAM, session });

describe("whether a token's session holds", () => {
  it("Ana's live sign-in holds; logged out, erased or banned it does not, each saying why", async () => {
    expect(await sessionStatus(deps({}), member())).toEqual({ valid: true });
    expect(await sessionStatus(deps({ live: false }), member())).toEqual({ valid: false, reason: 'signed-out' });
    expect(await sessionStatus(deps({ erased: true }), member())).toEqual({ valid: false, reason: 'erased' });
    const ban = { sanctionId: FAMILY, memberId: ANA, endsAt: null, appliedAt: NOW };
    expect(await sessionStatus(deps({ bans: [ban] }), member())).toEqual({ valid: false, reason: 'banned' });
  });
  it('a member who does not exist, or a session that is not an id, is unknown', async () => {
    expect(await sessionStatus(deps({ noMember: true }), member())).toEqual({ valid: false, reason: 'unknown' });
    expect(await sessionStatus(deps({}), member('none'))).toEqual({ valid: false, reason: 'unknown' });
  });
  it("Sam's token holds at his account's session version only, and not once he is disabled", async () => {
    expect(await sessionStatus(deps({}), staff('3'))).toEqual({ valid: true });
    expect(await sessionStatus(deps({}), staff('2'))).toEqual({ valid: false, reason: 'changed' });
    expect(await sessionStatus(deps({ staff: { disabledAt: NOW, sessionVersion: 3 } }), staff('3'))).toEqual({
      valid: false,
      reason: 'disabled',
    });
    expect(await sessionStatus(deps({ staff: null }), staff('3'))).toEqual({ valid: false, reason: 'unknown' });
  });
});
