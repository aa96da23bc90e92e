import { keyedLoader } from '@membership/subgraph';
import type { BenefitChangeRow, BenefitsRepository } from './db/benefits-repository.js';
import type { BenefitRow, TierRow, TiersRepository } from './db/tiers-repository.js';
import type { SanctionsInForce } from './domain/decision.js';
import type { RuleVersion } from './domain/rules.js';
import type { StoredStanding } from './domain/status.js';
import type { MemberTier } from './domain/tiers.js';

const NO_SANCTIONS: SanctionsInForce = { downgrades: 0, blocksUpgrades: false };

/**
 * Per-request loaders: the tiers, standings, sanctions and benefits of every member and
 * tier in one request are one query each, however many the query touches. Benefits are
 * read as of the request's clock.
 */
export function createLoaders(tiers: TiersRepository, benefits: BenefitsRepository, now: () => Date) {
  return {
    tierOfMember: keyedLoader<MemberTier | null>((ids) => tiers.ofMembers(ids), null),
    standingOfMember: keyedLoader<StoredStanding | null>((ids) => tiers.standingsOf(ids), null),
    sanctionsOfMember: keyedLoader<SanctionsInForce>((ids) => tiers.sanctionsOf(ids), NO_SANCTIONS),
    ruleVersion: keyedLoader<RuleVersion | null>((versions) => tiers.ruleVersionsOf(versions), null),
    benefitsOfTier: keyedLoader<BenefitRow[]>((codes) => tiers.benefitsAt(codes, now()), []),
    tierByCode: keyedLoader<TierRow | null>((codes) => tiers.tiersByCode(codes), null),
    upcomingChangesOfTier: keyedLoader<BenefitChangeRow[]>((codes) => benefits.upcomingOf(codes, now()), []),
    /** The rule version in force at the request's clock (one key: 'now'). */
    ruleVersionInForce: keyedLoader<number | null>(async (keys) => {
      const version = await tiers.ruleVersionAt(now());
      return new Map(keys.map((k) => [k, version]));
    }, null),
  };
}

export type TiersLoaders = ReturnType<typeof createLoaders>;
