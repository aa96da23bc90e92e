import type { Database } from '@membership/db';
import { evaluateTier, TIER_LADDER } from '../domain/tiers.js';
import { TiersRepository } from './tiers-repository.js';

/**
 * Qualifying spend of the demo members by their index in DEMO_MEMBERS, in minor units;
 * the tier follows from the ladder: Ana (0) Gold, Chen (2) Silver.
 */
const DEMO_SPEND: Record<number, number> = { 0: 620_000, 2: 180_000 };

/**
 * Makes sure the ladder exists and places the demo members. Members start in Bronze
 * through the MemberRegistered consumer; a member whose row is missing still gets one.
 */
export async function seedTiers(options: { database: Database; memberIds: readonly string[]; now: Date }): Promise<void> {
  const repository = new TiersRepository(options.database.db);
  await repository.ensureTiers(TIER_LADDER);
  const ladder = await repository.ladder();
  for (const [index, qualifyingSpend] of Object.entries(DEMO_SPEND)) {
    const memberId = options.memberIds[Number(index)];
    if (!memberId) continue;
    const tier = evaluateTier(qualifyingSpend, ladder).code;
    await repository.place(memberId, { tier, qualifyingSpend, reason: 'demo_data' }, options.now);
  }
}
