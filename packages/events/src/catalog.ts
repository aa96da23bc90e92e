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
 * change in paid-minus-refunded spend, `sanction` a DOWNGRADE sanction, `reevaluation`
 * the scheduled evaluation of the ladder, `demo_data` the demo seed.
 */
export const TIER_CHANGE_REASONS = ['registered', 'qualifying_spend', 'sanction', 'reevaluation', 'demo_data'] as const;
export type TierChangeReason = (typeof TIER_CHANGE_REASONS)[number];

/** The contact a member registered with. */
export const REGISTRATION_CHANNELS = ['email', 'phone'] as const;
export type RegistrationChannel = (typeof REGISTRATION_CHANNELS)[number];

/** A member's real-name verification level: none, primary (name and ID number), advanced (documents). */
export const VERIFICATION_LEVELS = ['none', 'primary', 'advanced'] as const;
export type VerificationLevel = (typeof VERIFICATION_LEVELS)[number];

// Ids are database uuids; any uuid-shaped value is accepted (Postgres does the same).
const id = z.guid();
// Instants travel as ISO-8601 in UTC, as Date#toISOString writes them.
const instant = z.iso.datetime();
const minorUnits = z.number().int();
const currency = z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code');

/**
 * Every event that crosses subgraphs, with its payload. Payloads carry ids and facts,
 * never personal values: a consumer that needs PII asks identity through the graph.
 */
export const eventSchemas = {
  MemberRegistered: z.object({ memberId: id, registeredAt: instant, channel: z.enum(REGISTRATION_CHANNELS) }),
  OrderPaid: z.object({ orderId: id, memberId: id, amount: minorUnits, currency, paidAt: instant }),
  RefundCompleted: z.object({ refundId: id, orderId: id, memberId: id, amount: minorUnits, currency }),
  TierChanged: z.object({
    memberId: id,
    /** Null when the member enters the ladder. */
    from: z.enum(TIER_CODES).nullable(),
    to: z.enum(TIER_CODES),
    reason: z.enum(TIER_CHANGE_REASONS),
  }),
  SanctionApplied: z.object({ sanctionId: id, memberId: id, kind: z.enum(SANCTION_KINDS) }),
  SanctionLifted: z.object({ sanctionId: id, memberId: id, kind: z.enum(SANCTION_KINDS) }),
  BenefitChangeAnnounced: z.object({ tier: z.enum(TIER_CODES), benefit: z.string().min(1), effectiveAt: instant }),
  PointsExpiring: z.object({ memberId: id, points: z.number().int().positive(), expiresAt: instant }),
  MemberErased: z.object({ memberId: id, erasedAt: instant }),
  /** A member's real-name verification level changed (approved or renewed); it lapses at expiresAt. */
  MemberVerificationChanged: z.object({
    memberId: id,
    level: z.enum(VERIFICATION_LEVELS),
    expiresAt: instant.nullable(),
    changedAt: instant,
  }),
} as const;

export type EventType = keyof typeof eventSchemas;

/** Each event's payload type, as the schemas above define it. */
export type EventCatalog = { [T in EventType]: z.infer<(typeof eventSchemas)[T]> };

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
