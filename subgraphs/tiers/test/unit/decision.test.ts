import { describe, expect, it } from 'vitest';
import { decide, type DecisionInput, type Standing } from '../../src/domain/decision.js';
import { RULES_V1 } from '../../src/domain/rules.js';

const now = new Date('2026-06-01T00:00:00.000Z');
const days = (n: number) => new Date(now.getTime() + n * 86_400_000);
const standing = (over: Partial<Standing> = {}): Standing => ({
  tier: 'SILVER',
  tierBeforeSanction: null,
  downgradeDueAt: null,
  downgradeTo: null,
  provisionalUntil: null,
  provisionalFrom: null,
  ...over,
});
const input = (over: Partial<DecisionInput>): DecisionInput => ({
  standing: standing(),
  earned: 'SILVER',
  sanctions: { downgrades: 0, blocksUpgrades: false },
  trigger: 'reevaluation',
  now,
  graceDays: 30,
  ...over,
});
const run = (over: Partial<DecisionInput>) => decide(input(over), RULES_V1);

describe('upgrades', () => {
  it('apply at once when an order paid crosses a threshold', () => {
    expect(run({ earned: 'GOLD', trigger: 'qualifying_spend' })).toMatchObject({ tier: 'GOLD', reason: 'qualifying_spend' });
  });

  it('are blocked while a sanction other than WARNING is in force', () => {
    expect(run({ earned: 'GOLD', trigger: 'activity', sanctions: { downgrades: 0, blocksUpgrades: true } })).toMatchObject({
      tier: 'SILVER',
      reason: null,
    });
  });

  it('cancel an announced downgrade', () => {
    const d = run({ standing: standing({ downgradeDueAt: days(10), downgradeTo: 'BRONZE' }), earned: 'SILVER', trigger: 'activity' });
    expect(d).toMatchObject({ tier: 'SILVER', downgradeDueAt: null, downgradeTo: null, reason: null });
  });

  it("caused by a paid order stay reversible until the order's return window ends", () => {
    const d = run({ earned: 'GOLD', trigger: 'qualifying_spend', returnWindowEndsAt: days(7) });
    expect(d).toMatchObject({ tier: 'GOLD', provisionalUntil: days(7), provisionalFrom: 'SILVER' });
  });
});

describe('refunds', () => {
  const provisional = standing({ tier: 'GOLD', provisionalUntil: days(7), provisionalFrom: 'SILVER' });

  it('inside the return window reverse the upgrade they undo, at once', () => {
    expect(run({ standing: provisional, earned: 'BRONZE', trigger: 'refund' })).toMatchObject({
      tier: 'SILVER',
      reason: 'refund',
      provisionalUntil: null,
    });
  });

  it('that leave the score above the threshold change nothing', () => {
    expect(run({ standing: provisional, earned: 'GOLD', trigger: 'refund' })).toMatchObject({
      tier: 'GOLD',
      reason: null,
      provisionalUntil: days(7),
    });
  });

  it('after the return window only lower the score: the downgrade waits for the periodic evaluation', () => {
    const d = run({ standing: standing({ tier: 'GOLD' }), earned: 'SILVER', trigger: 'refund' });
    expect(d).toMatchObject({ tier: 'GOLD', reason: null, downgradeDueAt: null, downgradeAnnounced: false });
  });
});

describe('downgrades', () => {
  const gold = standing({ tier: 'GOLD' });

  it('are announced for the end of the grace period, not applied', () => {
    expect(run({ standing: gold, earned: 'SILVER' })).toMatchObject({
      tier: 'GOLD',
      downgradeDueAt: days(30),
      downgradeTo: 'SILVER',
      downgradeAnnounced: true,
      reason: null,
    });
  });

  it('are not announced twice, and wait until the grace period is over', () => {
    const waiting = standing({ tier: 'GOLD', downgradeDueAt: days(30), downgradeTo: 'SILVER' });
    expect(run({ standing: waiting, earned: 'BRONZE', now: days(29) })).toMatchObject({
      tier: 'GOLD',
      downgradeTo: 'BRONZE',
      downgradeAnnounced: false,
      reason: null,
    });
    expect(run({ standing: waiting, earned: 'SILVER', now: days(30) })).toMatchObject({
      tier: 'SILVER',
      reason: 'reevaluation',
      downgradeDueAt: null,
    });
  });

  it('never come from an event', () => {
    expect(run({ standing: gold, earned: 'BRONZE', trigger: 'activity' })).toMatchObject({
      tier: 'GOLD',
      downgradeDueAt: null,
      reason: null,
    });
  });
});

describe('sanctions', () => {
  it('a DOWNGRADE sanction lowers the tier by a rank at once and remembers the tier before it', () => {
    expect(
      run({
        standing: standing({ tier: 'GOLD' }),
        earned: 'GOLD',
        trigger: 'sanction',
        sanctions: { downgrades: 1, blocksUpgrades: true },
      }),
    ).toMatchObject({
      tier: 'SILVER',
      tierBeforeSanction: 'GOLD',
      reason: 'sanction',
    });
  });

  it('two DOWNGRADE sanctions lower it by two, and never below the entry tier', () => {
    const s = standing({ tier: 'SILVER', tierBeforeSanction: 'GOLD' });
    expect(run({ standing: s, trigger: 'sanction', sanctions: { downgrades: 2, blocksUpgrades: true } })).toMatchObject({
      tier: 'BRONZE',
      tierBeforeSanction: 'GOLD',
    });
    expect(run({ standing: s, trigger: 'sanction', sanctions: { downgrades: 5, blocksUpgrades: true } }).tier).toBe('BRONZE');
  });

  it('lifting the last restores the tier held before, even when the score fell meanwhile (the grace period applies to that)', () => {
    const s = standing({ tier: 'SILVER', tierBeforeSanction: 'GOLD' });
    expect(run({ standing: s, earned: 'BRONZE', trigger: 'sanction_lifted' })).toMatchObject({
      tier: 'GOLD',
      tierBeforeSanction: null,
      reason: 'sanction_lifted',
      downgradeDueAt: null,
    });
  });

  it('lifting the last restores and then upgrades when the score earned more meanwhile', () => {
    const s = standing({ tier: 'SILVER', tierBeforeSanction: 'GOLD' });
    expect(run({ standing: s, earned: 'PLATINUM', trigger: 'sanction_lifted' })).toMatchObject({
      tier: 'PLATINUM',
      reason: 'sanction_lifted',
    });
  });
});
