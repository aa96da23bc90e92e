import { describe, expect, it } from 'vitest';
import { ALL_MEMBERS, memberDataScopeFor } from '../../src/domain/scope.js';

describe("whose member-owned records a request's stores may read", () => {
  it('Ana (member) reads only her own', () => {
    expect(memberDataScopeFor({ kind: 'member', memberId: 'ana' })).toEqual({ kind: 'member', memberId: 'ana' });
  });

  it("staff read everyone's; which staff reach which field is left to the field rules", () => {
    expect(memberDataScopeFor({ kind: 'staff', staffId: 'rui', scopes: [] })).toEqual(ALL_MEMBERS);
  });

  it('a partner, a service and an anonymous caller read nobody’s', () => {
    expect(memberDataScopeFor({ kind: 'partner', partnerId: 'p1' })).toEqual({ kind: 'none' });
    expect(memberDataScopeFor({ kind: 'service', service: 'gateway' })).toEqual({ kind: 'none' });
    expect(memberDataScopeFor({ kind: 'anonymous' })).toEqual({ kind: 'none' });
  });
});
