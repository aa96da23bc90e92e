import { describe, expect, it } from 'vitest';
import { exportMemberId, tiersExport } from '../../src/domain/export.js';
import { TIER_LADDER } from '../../src/domain/tiers.js';

const ANA = '00000000-0000-4000-8000-0000000000a1';
const at = new Date('2026-02-01T00:00:00.000Z');
const gold = TIER_LADDER.find((t) => t.code === 'GOLD')!;

describe("the tiers part of a member's export", () => {
  it('refuses a member id that is not a UUID, naming the field', () => {
    expect(() => exportMemberId('ana')).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'memberId' }));
  });

  it('a member with no place on the ladder exports a null tier and no history', () => {
    expect(tiersExport(ANA, { current: undefined, changes: [] }, at)).toMatchObject({ tier: null, history: [] });
  });

  it("gives the tier with its qualifying spend in the ladder's currency, and each change with its reason", () => {
    const since = new Date('2026-01-05T10:00:00.000Z');
    const data = tiersExport(
      ANA,
      {
        current: { tier: gold, since, qualifyingSpend: 620_000 },
        changes: [
          { from: null, to: 'BRONZE', reason: 'registered', at: new Date('2026-01-01T00:00:00.000Z') },
          { from: 'BRONZE', to: 'GOLD', reason: 'qualifying_spend', at: since },
        ],
      },
      at,
    );
    expect(data.tier).toEqual({
      code: 'GOLD',
      name: 'Gold',
      since: '2026-01-05T10:00:00.000Z',
      qualifyingSpend: { amount: 620_000, currency: 'CNY' },
    });
    expect(data.history).toEqual([
      { from: null, to: 'BRONZE', reason: 'registered', at: '2026-01-01T00:00:00.000Z' },
      { from: 'BRONZE', to: 'GOLD', reason: 'qualifying_spend', at: '2026-01-05T10:00:00.000Z' },
    ]);
  });
});
