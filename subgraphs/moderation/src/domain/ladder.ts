import type { SanctionKind } from './standing.js';

/** How serious a violation is, mildest first. */
export const SEVERITIES = ['MINOR', 'MODERATE', 'SEVERE', 'CRITICAL'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** One rung of the ladder: what it does and for how long (no `days`: until lifted). */
export interface LadderStep {
  kind: SanctionKind;
  days?: number;
}

/**
 * The membership terms' ladder: a warning for a first, minor violation; restricted
 * benefits; a tier downgrade; a temporary ban; a permanent ban.
 */
export const DEFAULT_LADDER: readonly LadderStep[] = [
  { kind: 'WARNING' },
  { kind: 'RESTRICTED_BENEFITS', days: 30 },
  { kind: 'DOWNGRADE', days: 90 },
  { kind: 'BAN', days: 30 },
  { kind: 'BAN' },
];

/** Where on the ladder a first violation of each severity starts (0 = the first rung). */
const START_RUNG: Record<Severity, number> = { MINOR: 0, MODERATE: 1, SEVERE: 3, CRITICAL: 4 };

/** The ladder rules as configured. */
export interface LadderPolicy {
  ladder: readonly LadderStep[];
  /** Earlier violations recorded within this window count as repeats. */
  repeatWindowMs: number;
  /** How long between the notice and the effect. */
  noticeMs: number;
  /** Severities whose sanction takes effect at once (fraud, illegal acts). */
  immediate: readonly Severity[];
}

/** What a violation earns. */
export interface SanctionDecision {
  /** 0-based rung reached. */
  rung: number;
  kind: SanctionKind;
  /** When it takes effect: after the notice period, or now for immediate severities. */
  effectiveAt: Date;
  /** When it ends by itself; null: until lifted. */
  endsAt: Date | null;
  immediate: boolean;
}

/**
 * The sanction a violation of `severity` earns at `now`, given when the member's earlier
 * violations (not reversed on appeal) were recorded: the severity's starting rung, one
 * rung higher for each earlier violation within the repeat window, never past the top.
 */
export function decideSanction(severity: Severity, earlierViolations: readonly Date[], now: Date, policy: LadderPolicy): SanctionDecision {
  const repeats = earlierViolations.filter(
    (at) => at.getTime() <= now.getTime() && now.getTime() - at.getTime() <= policy.repeatWindowMs,
  ).length;
  const top = policy.ladder.length - 1;
  const rung = Math.min(top, Math.min(START_RUNG[severity], top) + repeats);
  const step = policy.ladder[rung]!;
  const immediate = policy.immediate.includes(severity);
  const effectiveAt = immediate ? now : new Date(now.getTime() + policy.noticeMs);
  const endsAt = step.days === undefined ? null : new Date(effectiveAt.getTime() + step.days * 86_400_000);
  return { rung, kind: step.kind, effectiveAt, endsAt, immediate };
}

/** Until when a sanction announced at `announcedAt` may be appealed. */
export function appealDeadline(announcedAt: Date, appealWindowMs: number): Date {
  return new Date(announcedAt.getTime() + appealWindowMs);
}
