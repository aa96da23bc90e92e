import { z } from 'zod';

/*
 * The event contract between subgraphs. Each payload is a zod schema; the TypeScript
 * types are inferred from it, and the same schema is checked when an event is recorded
 * (recordEvent) and when it is consumed (EventConsumer), so a value the contract does
 * not name fails at the producer, or loudly at the consumer, never as a wrong word in
 * a member's inbox. The enums live here because they are the contract: subgraphs
 * import them rather than keep copies that could drift.
 */

/** What a sanction does, mildest first (moderation's sanction ladder). */
export const SANCTION_KINDS = ['WARNING', 'RESTRICTED_BENEFITS', 'DOWNGRADE', 'BAN'] as const;
export type SanctionKind = (typeof SANCTION_KINDS)[number];

/** The tiers of the programme, lowest first. */
export const TIER_CODES = ['BRONZE', 'SILVER', 'GOLD', 'PLATINUM', 'DIAMOND'] as const;
export type TierCode = (typeof TIER_CODES)[number];

/**
 * Why a member's tier changed: `registered` is the starting tier, `qualifying_spend` a
 * change in paid spend, `refund` a refund that lowered it, `activity` activity points
 * (check-ins, reviews, shares), `sanction` a DOWNGRADE sanction, `sanction_lifted` a
 * sanction lifted or reversed on appeal, `reevaluation` the scheduled evaluation of the
 * ladder (downgrades after the grace period), `demo_data` the demo seed.
 */
export const TIER_CHANGE_REASONS = [
  'registered',
  'qualifying_spend',
  'refund',
  'activity',
  'sanction',
  'sanction_lifted',
  'reevaluation',
  'demo_data',
] as const;
export type TierChangeReason = (typeof TIER_CHANGE_REASONS)[number];

/** The contact a member registered with. */
export const REGISTRATION_CHANNELS = ['email', 'phone'] as const;
export type RegistrationChannel = (typeof REGISTRATION_CHANNELS)[number];

/** A member's real-name verification level: none, primary (name and ID number), advanced (documents). */
export const VERIFICATION_LEVELS = ['none', 'primary', 'advanced'] as const;
export type VerificationLevel = (typeof VERIFICATION_LEVELS)[number];

/** Why a sanction stopped: its end date passed, an appeal reversed it, or staff lifted it. */
export const SANCTION_LIFT_REASONS = ['expired', 'appeal', 'staff'] as const;
export type SanctionLiftReason = (typeof SANCTION_LIFT_REASONS)[number];

/** Member activity that counts towards a tier (points records it, tiers counts it). */
export const ACTIVITY_KINDS = ['check_in', 'activity', 'review', 'share'] as const;
export type ActivityKind = (typeof ACTIVITY_KINDS)[number];

/** How an order was paid: online through a provider, offline recorded by staff, or with points alone. */
export const PAYMENT_METHODS = ['online', 'offline', 'points'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

// Ids are database uuids; any uuid-shaped value is accepted (Postgres does the same).
const id = z.guid();
// Instants travel as ISO-8601 in UTC, as Date#toISOString writes them.
const instant = z.iso.datetime();
const minorUnits = z.number().int();
const points = z.number().int().nonnegative();
const currency = z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code');

/**
 * Every event that crosses subgraphs, with its payload. Payloads carry ids and facts,
 * never personal values: a consumer that needs PII asks identity through the graph.
 */
export const eventSchemas = {
  MemberRegistered: z.object({ memberId: id, registeredAt: instant, channel: z.enum(REGISTRATION_CHANNELS) }),
  /**
   * An order was paid, emitted in the same transaction as its status change. `amount` is the
   * money paid (after discounts and the points offset); points earns on it and tiers counts it
   * as qualifying spend. `pointsHoldId` is the points hold that paid the offset, which points
   * commits; `returnWindowEndsAt` is when points earned on the order become available.
   */
  OrderPaid: z.object({
    orderId: id,
    memberId: id,
    amount: minorUnits,
    currency,
    paidAt: instant,
    method: z.enum(PAYMENT_METHODS).default('online'),
    pointsHoldId: id.nullable().default(null),
    pointsUsed: points.default(0),
    returnWindowEndsAt: instant.nullable().default(null),
    /**
     * The share code of the product link the order was placed through (a member's share,
     * issued by points), or null. Points rewards the sharer once the order is paid.
     */
    shareCode: z.string().min(1).max(64).nullable().default(null),
  }),
  /** An unpaid order was cancelled (by the member, staff or the payment deadline): points releases its hold. */
  OrderCancelled: z.object({ orderId: id, memberId: id, pointsHoldId: id.nullable(), cancelledAt: instant }),
  /**
   * Money went back to the member by the original payment route. `amount` is this refund's
   * money; `orderAmount` the money the order was paid with, so a consumer can take its share
   * (points claws back earned points in proportion); `pointsRestored` the offset points to give
   * back (points restores exactly the lots the hold used).
   */
  RefundCompleted: z.object({
    refundId: id,
    orderId: id,
    memberId: id,
    amount: minorUnits,
    currency,
    orderAmount: minorUnits.nullable().default(null),
    pointsRestored: points.default(0),
    completedAt: instant.nullable().default(null),
  }),
  /**
   * A member's tier changed. `pointsMultiplierPercent` is the new tier's earning multiplier
   * (100 = x1) from its benefits, so points needs no copy of the benefit table.
   */
  TierChanged: z.object({
    memberId: id,
    /** Null when the member enters the ladder. */
    from: z.enum(TIER_CODES).nullable(),
    to: z.enum(TIER_CODES),
    reason: z.enum(TIER_CHANGE_REASONS),
    pointsMultiplierPercent: z.number().int().positive().nullable().default(null),
  }),
  /**
   * A sanction took effect (after its notice period). `endsAt` null means it lasts until lifted
   * (a permanent ban). Points blocks redemption and lotteries under RESTRICTED_BENEFITS and BAN,
   * tiers downgrades under DOWNGRADE and blocks upgrades while any sanction but WARNING is in
   * force, identity refuses sign-in and ends sessions under BAN.
   */
  SanctionApplied: z.object({
    sanctionId: id,
    memberId: id,
    kind: z.enum(SANCTION_KINDS),
    effectiveAt: instant.nullable().default(null),
    endsAt: instant.nullable().default(null),
  }),
  SanctionLifted: z.object({
    sanctionId: id,
    memberId: id,
    kind: z.enum(SANCTION_KINDS),
    reason: z.enum(SANCTION_LIFT_REASONS).default('staff'),
  }),
  /**
   * A benefit change was scheduled: `changeId` names it (objections link to it), it applies
   * at `effectiveAt` and no earlier.
   */
  BenefitChangeAnnounced: z.object({
    tier: z.enum(TIER_CODES),
    benefit: z.string().min(1),
    effectiveAt: instant,
    changeId: id.nullable().default(null),
  }),
  PointsExpiring: z.object({ memberId: id, points: z.number().int().positive(), expiresAt: instant }),
  /**
   * Activity that counts towards a tier: a check-in, an activity, an order review, a share.
   * `sourceId` names what it was about (the order reviewed, the activity taken part in, the
   * order a share led to), null for a check-in; points' tasks key on it.
   */
  MemberActivityRecorded: z.object({
    memberId: id,
    kind: z.enum(ACTIVITY_KINDS),
    occurredAt: instant,
    sourceId: id.nullable().default(null),
  }),
  /** The member's profile has every field the "complete your profile" task asks for (identity, once per member). */
  MemberProfileCompleted: z.object({ memberId: id, completedAt: instant }),
  MemberErased: z.object({ memberId: id, erasedAt: instant }),
  /**
   * A member's real-name verification level changed (approved or renewed); it lapses at
   * expiresAt. `refused` is true while the member has refused verification or a submission
   * was found false: consumers restrict what needs verification until a later approval.
   */
  MemberVerificationChanged: z.object({
    memberId: id,
    level: z.enum(VERIFICATION_LEVELS),
    expiresAt: instant.nullable(),
    changedAt: instant,
    refused: z.boolean().default(false),
  }),
  /**
   * A subgraph asks identity to tell a member something (in the inbox, and by email when
   * `outOfApp` and the member takes service email). `template` names a message in identity's
   * catalogue; `params` fill it (ids, amounts, dates, codes; never personal values).
   * `dedupeKey` makes a repeated request one notice.
   */
  MemberNoticeRequested: z.object({
    memberId: id,
    template: z.string().regex(/^[a-z][a-z0-9_.]*$/, 'a catalogue key such as orders.payment_confirmed'),
    params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).default({}),
    outOfApp: z.boolean().default(false),
    dedupeKey: z.string().min(1).max(200).nullable().default(null),
  }),
  /**
   * A scheduled benefit change took effect on its date. `pointsMultiplierPercent` is the
   * tier's earning multiplier from now on when the change was to it (points applies it to
   * every member of `tier`), null for other benefits.
   */
  TierBenefitChangeApplied: z.object({
    changeId: id,
    tier: z.enum(TIER_CODES),
    benefit: z.string().min(1),
    pointsMultiplierPercent: z.number().int().positive().nullable().default(null),
    appliedAt: instant,
  }),
  /**
   * Staff reviewing a risk flag (orders' queue) asked moderation to open a case about the
   * member. `requestId` is the flag's id (one case per flag); `kind` and `reason` say what
   * the checks saw (counts and windows, never personal values); `orderId` the order it is
   * about, if one.
   */
  ModerationCaseRequested: z.object({
    requestId: id,
    memberId: id,
    source: z.string().min(1),
    kind: z.string().min(1),
    reason: z.string().min(1),
    orderId: id.nullable().default(null),
    requestedBy: z.string().min(1),
    requestedAt: instant,
  }),
} as const;

export type EventType = keyof typeof eventSchemas;

/** Each event's payload type, as the schemas above define it. */
export type EventCatalog = { [T in EventType]: z.output<(typeof eventSchemas)[T]> };

/** What a producer passes: the payload before the contract fills its defaults. */
export type EventInput = { [T in EventType]: z.input<(typeof eventSchemas)[T]> };

/** An event as a consumer receives it. */
export interface DomainEvent<T extends EventType = EventType> {
  id: string;
  type: T;
  payload: EventCatalog[T];
  occurredAt: Date;
}

/** A payload (or an event type) the contract does not accept. `issues` says which fields and why. */
export class EventContractError extends Error {
  override readonly name = 'EventContractError';
  constructor(
    readonly type: string,
    readonly issues: readonly z.core.$ZodIssue[],
  ) {
    super(`${type} payload breaks the event contract: ${issues.map((i) => `${i.path.join('.') || '(payload)'}: ${i.message}`).join('; ')}`);
  }
}

const isEventType = (type: string): type is EventType => Object.hasOwn(eventSchemas, type);

/**
 * The payload of a `type` event as the contract reads it, or an {@link EventContractError}
 * for an unknown type or a payload that does not match (a kind, tier or reason the
 * contract does not name, a missing field, a malformed id or instant).
 */
export function parsePayload<T extends EventType>(type: T, payload: unknown): EventCatalog[T];
export function parsePayload(type: string, payload: unknown): EventCatalog[EventType];
export function parsePayload(type: string, payload: unknown): EventCatalog[EventType] {
  if (!isEventType(type))
    throw new EventContractError(type, [{ code: 'custom', path: [], message: `unknown event type ${type}`, input: type }]);
  const parsed = eventSchemas[type].safeParse(payload);
  if (!parsed.success) throw new EventContractError(type, parsed.error.issues);
  return parsed.data;
}
