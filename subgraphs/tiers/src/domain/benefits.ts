import { badInput } from '@membership/domain';
import { TIER_CODES, type TierCode } from '@membership/events';

/** What a tier can give. */
export const BENEFIT_KINDS = [
  'POINTS_MULTIPLIER',
  'REDEMPTION_DISCOUNT',
  'PRIORITY_SERVICE',
  'DEDICATED_SERVICE',
  'FREE_SHIPPING',
  'BIRTHDAY_GIFT',
  'PRODUCT_TRIALS',
  'EXCLUSIVE_EVENTS',
  'DEDICATED_ADVISOR',
] as const;
export type BenefitKind = (typeof BENEFIT_KINDS)[number];

/** Benefits whose value is a percent (100 = x1 for the multiplier, 10 = 10% off for the discount). */
const PERCENT_BENEFITS: ReadonlySet<BenefitKind> = new Set(['POINTS_MULTIPLIER', 'REDEMPTION_DISCOUNT']);

/** One benefit of one tier, as shipped. */
export interface BenefitDefinition {
  tier: TierCode;
  benefit: BenefitKind;
  value: number | null;
  description: string;
}

/** Since when the shipped benefits apply: before any member could register. */
export const SHIPPED_BENEFITS_FROM = new Date('2000-01-01T00:00:00.000Z');

/**
 * The benefits as shipped. The `tiers_benefits` migration inserts the same rows (a test
 * compares); from then on they are data, changed only by announced changes.
 */
export const SHIPPED_BENEFITS: readonly BenefitDefinition[] = [
  { tier: 'BRONZE', benefit: 'POINTS_MULTIPLIER', value: 100, description: '1 point per yuan spent.' },
  { tier: 'SILVER', benefit: 'POINTS_MULTIPLIER', value: 125, description: '1.25 points per yuan spent.' },
  { tier: 'SILVER', benefit: 'REDEMPTION_DISCOUNT', value: 5, description: 'Rewards cost 5% fewer points.' },
  { tier: 'SILVER', benefit: 'PRIORITY_SERVICE', value: null, description: 'Your calls and chats are answered first.' },
  {
    tier: 'SILVER',
    benefit: 'BIRTHDAY_GIFT',
    value: null,
    description: 'A gift in your birthday month, when you have given your birthday.',
  },
  { tier: 'GOLD', benefit: 'POINTS_MULTIPLIER', value: 150, description: '1.5 points per yuan spent.' },
  { tier: 'GOLD', benefit: 'REDEMPTION_DISCOUNT', value: 10, description: 'Rewards cost 10% fewer points.' },
  { tier: 'GOLD', benefit: 'PRIORITY_SERVICE', value: null, description: 'Your calls and chats are answered first.' },
  { tier: 'GOLD', benefit: 'FREE_SHIPPING', value: null, description: 'Free shipping on every order.' },
  { tier: 'GOLD', benefit: 'BIRTHDAY_GIFT', value: null, description: 'A gift in your birthday month, when you have given your birthday.' },
  { tier: 'GOLD', benefit: 'PRODUCT_TRIALS', value: 1, description: 'One new product to try each quarter.' },
  { tier: 'PLATINUM', benefit: 'POINTS_MULTIPLIER', value: 175, description: '1.75 points per yuan spent.' },
  { tier: 'PLATINUM', benefit: 'REDEMPTION_DISCOUNT', value: 15, description: 'Rewards cost 15% fewer points.' },
  { tier: 'PLATINUM', benefit: 'DEDICATED_SERVICE', value: null, description: 'A dedicated service line.' },
  { tier: 'PLATINUM', benefit: 'FREE_SHIPPING', value: null, description: 'Free shipping on every order.' },
  {
    tier: 'PLATINUM',
    benefit: 'BIRTHDAY_GIFT',
    value: null,
    description: 'A gift in your birthday month, when you have given your birthday.',
  },
  { tier: 'PLATINUM', benefit: 'PRODUCT_TRIALS', value: 2, description: 'Two new products to try each quarter.' },
  { tier: 'PLATINUM', benefit: 'EXCLUSIVE_EVENTS', value: null, description: 'Invitations to members-only events.' },
  { tier: 'DIAMOND', benefit: 'POINTS_MULTIPLIER', value: 200, description: '2 points per yuan spent.' },
  { tier: 'DIAMOND', benefit: 'REDEMPTION_DISCOUNT', value: 20, description: 'Rewards cost 20% fewer points.' },
  { tier: 'DIAMOND', benefit: 'DEDICATED_SERVICE', value: null, description: 'A dedicated service line.' },
  { tier: 'DIAMOND', benefit: 'FREE_SHIPPING', value: null, description: 'Free shipping on every order.' },
  {
    tier: 'DIAMOND',
    benefit: 'BIRTHDAY_GIFT',
    value: null,
    description: 'A gift in your birthday month, when you have given your birthday.',
  },
  { tier: 'DIAMOND', benefit: 'PRODUCT_TRIALS', value: 3, description: 'Three new products to try each quarter.' },
  { tier: 'DIAMOND', benefit: 'EXCLUSIVE_EVENTS', value: null, description: 'Invitations to members-only events.' },
  { tier: 'DIAMOND', benefit: 'DEDICATED_ADVISOR', value: null, description: 'Your own membership advisor.' },
];

/** A benefit change as staff ask for it. */
export interface BenefitChangeDraft {
  tier: string;
  benefit: string;
  /** The new value; ignored when `removes`. */
  value?: number | null;
  description?: string | null;
  removes?: boolean | null;
  effectiveAt: Date;
  reason: string;
}

/** A benefit change that passed the rules. */
export interface BenefitChange {
  tier: TierCode;
  benefit: BenefitKind;
  value: number | null;
  description: string | null;
  removes: boolean;
  effectiveAt: Date;
  reason: string;
}

const DAY_MS = 86_400_000;

/**
 * Checks a benefit change: a known tier and benefit, a sensible value, a reason, and an
 * effective date at least `noticeDays` ahead so members hear of it (and can object) first.
 */
export function benefitChange(draft: BenefitChangeDraft, now: Date, noticeDays: number): BenefitChange {
  if (!(TIER_CODES as readonly string[]).includes(draft.tier)) throw badInput(`There is no tier ${draft.tier}.`, 'tier');
  if (!(BENEFIT_KINDS as readonly string[]).includes(draft.benefit))
    throw badInput(`There is no benefit ${draft.benefit}; use one of ${BENEFIT_KINDS.join(', ')}.`, 'benefit');
  const benefit = draft.benefit as BenefitKind;
  const removes = draft.removes === true;
  if (benefit === 'POINTS_MULTIPLIER' && removes)
    throw badInput('Every tier earns points: change the multiplier instead of removing it.', 'removes');
  const value = removes ? null : (draft.value ?? null);
  if (value !== null && (!Number.isInteger(value) || value < 0)) throw badInput('The value must be a whole number of at least 0.', 'value');
  if (!removes && PERCENT_BENEFITS.has(benefit) && value === null) throw badInput(`${benefit} needs a value in percent.`, 'value');
  if (benefit === 'POINTS_MULTIPLIER' && value !== null && (value < 100 || value > 1000))
    throw badInput('The points multiplier is in percent, from 100 (x1) to 1000 (x10).', 'value');
  if (benefit === 'REDEMPTION_DISCOUNT' && value !== null && value > 90)
    throw badInput('A redemption discount is at most 90 percent.', 'value');
  const description = draft.description?.trim() || null;
  if (!removes && !description) throw badInput('Say what the benefit gives members, in a description.', 'description');
  if (description && description.length > 300) throw badInput('Keep the description under 300 characters.', 'description');
  const reason = draft.reason.trim();
  if (reason.length < 5)
    throw badInput('Give the reason for the change (it is kept in the staff operation log and shown to objections).', 'reason');
  const earliest = new Date(now.getTime() + noticeDays * DAY_MS);
  if (Number.isNaN(draft.effectiveAt.getTime()) || draft.effectiveAt < earliest) {
    throw badInput(
      `A benefit change must be announced at least ${noticeDays} days ahead: the earliest date is ${earliest.toISOString()}.`,
      'effectiveAt',
    );
  }
  return { tier: draft.tier as TierCode, benefit, value, description, removes, effectiveAt: draft.effectiveAt, reason };
}

/** The words of a change in the announcement members get: "Free shipping", "Points multiplier: 175%". */
export function announcedBenefit(change: Pick<BenefitChange, 'benefit' | 'value' | 'removes'>): string {
  const name = change.benefit.charAt(0) + change.benefit.slice(1).toLowerCase().replaceAll('_', ' ');
  if (change.removes) return `${name} (ends)`;
  return change.value === null ? name : `${name}: ${change.value}${PERCENT_BENEFITS.has(change.benefit) ? '%' : ''}`;
}

/** A benefit as a member holds it: from the later of when it started for the tier and when they reached the tier. */
export function heldSince(benefitFrom: Date, tierSince: Date): Date {
  return benefitFrom > tierSince ? benefitFrom : tierSince;
}

/** A benefit as `Member.benefits` shows it. */
export interface MemberBenefitView {
  kind: BenefitKind;
  value: number | null;
  description: string;
  since: Date;
}
