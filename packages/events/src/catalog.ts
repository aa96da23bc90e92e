/**
 * Every event that crosses subgraphs, with its payload. Payloads carry ids and facts,
 * never personal values: a consumer that needs PII asks identity through the graph.
 */
export interface EventCatalog {
  MemberRegistered: { memberId: string; registeredAt: string; channel: 'email' | 'phone' };
  OrderPaid: { orderId: string; memberId: string; amount: number; currency: string; paidAt: string };
  RefundCompleted: { refundId: string; orderId: string; memberId: string; amount: number; currency: string };
  TierChanged: { memberId: string; from: string | null; to: string; reason: string };
  SanctionApplied: { sanctionId: string; memberId: string; kind: string };
  SanctionLifted: { sanctionId: string; memberId: string; kind: string };
  BenefitChangeAnnounced: { tier: string; benefit: string; effectiveAt: string };
  PointsExpiring: { memberId: string; points: number; expiresAt: string };
  MemberErased: { memberId: string; erasedAt: string };
  /** A member's real-name verification level changed (approved or renewed); it lapses at expiresAt. */
  MemberVerificationChanged: { memberId: string; level: 'none' | 'primary' | 'advanced'; expiresAt: string | null; changedAt: string };
}

export type EventType = keyof EventCatalog;

/** An event as a consumer receives it. */
export interface DomainEvent<T extends EventType = EventType> {
  id: string;
  type: T;
  payload: EventCatalog[T];
  occurredAt: Date;
}
