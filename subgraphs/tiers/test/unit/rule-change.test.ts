import { describe, expect, it } from 'vitest';
import { ruleVersionFrom, type RuleVersionDraft } from '../../src/domain/rule-change.js';
import { RULES_V1 } from '../../src/domain/rules.js';

const now = new Date('2026-06-01T00:00:00.000Z');
const DAY = 86_400_000;
const draft = (over: Partial<RuleVersionDraft> = {}): RuleVersionDraft => ({
  effectiveAt: new Date(now.getTime() + 31 * DAY),
  reason: 'Yearly review of the thresholds',
  ...over,
});
const requirements = (scores: [number, number][]) =>
  (['BRONZE', 'SILVER', 'GOLD', 'PLATINUM', 'DIAMOND'] as const).map((tier, i) => ({
    tier,
    minScore: scores[i]![0],
    minCreditScore: scores[i]![1],
  }));
const fails = (over: Partial<RuleVersionDraft>, message: RegExp) =>
  expect(() => ruleVersionFrom(draft(over), RULES_V1, now, 30)).toThrow(
    expect.objectContaining({ code: 'BAD_USER_INPUT', message: expect.stringMatching(message) }),
  );

describe('a new rule version', () => {
  it('is numbered after the latest, takes effect on its date and keeps what the draft leaves out', () => {
    const v2 = ruleVersionFrom(
      draft({
        activityWeights: { review: 15 },
        requirements: requirements([
          [0, 0],
          [1_200, 60],
          [6_000, 70],
          [15_000, 80],
          [50_000, 90],
        ]),
      }),
      RULES_V1,
      now,
      30,
    );
    expect(v2.version).toBe(2);
    expect(v2.effectiveFrom).toEqual(new Date(now.getTime() + 31 * DAY));
    expect(v2.activityWeights).toEqual({ ...RULES_V1.activityWeights, review: 15 });
    expect(v2.requirements.map((r) => [r.code, r.rank, r.minScore])).toEqual([
      ['BRONZE', 1, 0],
      ['SILVER', 2, 1_200],
      ['GOLD', 3, 6_000],
      ['PLATINUM', 4, 15_000],
      ['DIAMOND', 5, 50_000],
    ]);
    expect({
      ...v2,
      version: 1,
      effectiveFrom: RULES_V1.effectiveFrom,
      activityWeights: RULES_V1.activityWeights,
      requirements: RULES_V1.requirements,
    }).toEqual(RULES_V1);
  });

  it('must be set at least the notice period ahead, naming the earliest date', () => {
    fails({ effectiveAt: new Date(now.getTime() + 29 * DAY) }, /at least 30 days ahead: the earliest date is 2026-07-01T00:00:00.000Z/);
  });

  it('must take effect after the latest version, or that version would never apply', () => {
    const latest = { ...RULES_V1, version: 2, effectiveFrom: new Date(now.getTime() + 60 * DAY) };
    expect(() => ruleVersionFrom(draft(), latest, now, 30)).toThrow(
      /Rule version 2 takes effect .*; a new version must take effect after it/,
    );
  });

  it('needs every tier once, the entry tier at 0 and 0, scores rising strictly and credit scores never falling', () => {
    fails(
      {
        requirements: requirements([
          [0, 0],
          [1_000, 60],
          [5_000, 70],
          [15_000, 80],
          [50_000, 90],
        ]).slice(0, 4),
      },
      /missing: DIAMOND/,
    );
    fails(
      {
        requirements: [
          ...requirements([
            [0, 0],
            [1_000, 60],
            [5_000, 70],
            [15_000, 80],
            [50_000, 90],
          ]),
          { tier: 'GOLD', minScore: 1, minCreditScore: 1 },
        ],
      },
      /GOLD is named twice/,
    );
    fails(
      {
        requirements: requirements([
          [10, 0],
          [1_000, 60],
          [5_000, 70],
          [15_000, 80],
          [50_000, 90],
        ]),
      },
      /BRONZE is the entry tier/,
    );
    fails(
      {
        requirements: requirements([
          [0, 0],
          [1_000, 60],
          [1_000, 70],
          [15_000, 80],
          [50_000, 90],
        ]),
      },
      /GOLD must require a higher score than SILVER \(1000\); got 1000/,
    );
    fails(
      {
        requirements: requirements([
          [0, 0],
          [1_000, 60],
          [5_000, 50],
          [15_000, 80],
          [50_000, 90],
        ]),
      },
      /GOLD must not require a lower credit score than SILVER/,
    );
    fails(
      {
        requirements: requirements([
          [0, 0],
          [1_000, 60],
          [5_000, 70],
          [15_000, 80],
          [50_000, 101],
        ]),
      },
      /DIAMOND's minimum credit score must be a whole number from 0 to 100/,
    );
  });

  it('refuses weights that are not sane: negative, fractional, huge, a window out of range, spend that does not count', () => {
    fails({ activityWeights: { share: -1 } }, /share weight must be a whole number from 0 to 10000/);
    fails({ purchaseMonthWeight: 2.5 }, /month with a purchase must be a whole number/);
    fails({ repeatPurchaseWeight: 20_000 }, /repeat purchase must be a whole number from 0 to 10000/);
    fails({ windowDays: 7 }, /window in days must be a whole number from 30 to 730/);
    fails({ spendPerPoint: 0 }, /spend per score point must be a whole number from 1/);
    fails({ violationPenalties: { BAN: 150 } }, /BAN penalty must be a whole number from 0 to 100/);
  });

  it('needs a reason', () => {
    fails({ reason: '  ok ' }, /Give the reason/);
  });
});
