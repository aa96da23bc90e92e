import type { ActivityKind, SanctionKind } from '@membership/events';
import { decide, type Decision, type SanctionsInForce, type Standing, type Trigger } from './decision.js';
import { evaluate, type Evaluation, type EvaluationInputs, type RuleVersion } from './rules.js';

/** A paid order as tiers keeps it. */
export interface PurchaseFact {
  orderId: string;
  memberId: string;
  amount: number;
  currency: string;
  paidAt: Date;
  returnWindowEndsAt: Date | null;
}

export interface RefundFact {
  refundId: string;
  orderId: string;
  memberId: string;
  amount: number;
  currency: string;
  completedAt: Date;
}

export interface ActivityFact {
  eventId: string;
  memberId: string;
  kind: ActivityKind;
  occurredAt: Date;
}

export interface SanctionFact {
  sanctionId: string;
  memberId: string;
  kind: SanctionKind;
}

/** What evaluating one member needs from storage; the repository implements it inside a transaction. */
export interface StandingStore {
  rulesAt(at: Date): Promise<RuleVersion>;
  /** The member's standing, locked until the transaction ends; null for a member tiers does not know (yet). */
  standingOf(memberId: string): Promise<Standing | null>;
  inputsOf(memberId: string, rules: RuleVersion, at: Date): Promise<EvaluationInputs>;
  sanctionsInForce(memberId: string): Promise<SanctionsInForce>;
  /** Stores the decision and the evaluation behind it, and records TierChanged (and the downgrade notice) when they call for it. */
  save(memberId: string, before: Standing, evaluation: Evaluation, decision: Decision, trigger: Trigger, at: Date): Promise<void>;
}

export interface ReevaluateOptions {
  /** Days before an announced downgrade applies (config). */
  graceDays: number;
  returnWindowEndsAt?: Date | null;
}

/**
 * Evaluates one member from the facts tiers holds and applies the decision: what every
 * event about a member ends in. A member tiers does not know yet (their registration
 * not arrived) is left alone: their facts wait, and enrolment evaluates them.
 */
export async function reevaluateMember(
  store: StandingStore,
  memberId: string,
  trigger: Trigger,
  at: Date,
  options: ReevaluateOptions,
): Promise<Decision | null> {
  const standing = await store.standingOf(memberId);
  if (!standing) return null;
  const rules = await store.rulesAt(at);
  const evaluation = evaluate(await store.inputsOf(memberId, rules, at), rules, at);
  const decision = decide(
    {
      standing,
      earned: evaluation.earned,
      sanctions: await store.sanctionsInForce(memberId),
      trigger,
      now: at,
      graceDays: options.graceDays,
      returnWindowEndsAt: options.returnWindowEndsAt,
    },
    rules,
  );
  await store.save(memberId, standing, evaluation, decision, trigger, at);
  return decision;
}
