import type { Database } from '@membership/db';
import { SHIPPED_BENEFITS, SHIPPED_BENEFITS_FROM } from '../domain/benefits.js';
import { RULES_V1 } from '../domain/rules.js';
import { reevaluateMember } from '../domain/standing.js';
import { TIER_LADDER } from '../domain/tiers.js';
import { StandingRepository } from './standing-repository.js';
import { TiersRepository } from './tiers-repository.js';

/**
 * Qualifying spend of the demo members by their index in DEMO_MEMBERS, in minor units,
 * as one purchase made before the platform's own orders: Ana (0) Gold, Chen (2) Silver.
 */
const DEMO_SPEND: Record<number, number> = { 0: 620_000, 2: 180_000 };

const DAY_MS = 86_400_000;

/**
 * Makes sure the ladder, the rules and the benefits exist and gives the demo members
 * their spend. Members start in Bronze through the MemberRegistered consumer; the demo
 * spend is evaluated like any paid order, under the reason demo_data.
 */
export async function seedTiers(options: { database: Database; memberIds: readonly string[]; now: Date }): Promise<void> {
  const repository = new TiersRepository(options.database.db);
  await repository.ensureTiers(TIER_LADDER);
  await repository.ensureReferenceData(RULES_V1, SHIPPED_BENEFITS, SHIPPED_BENEFITS_FROM);
  for (const [index, amount] of Object.entries(DEMO_SPEND)) {
    const memberId = options.memberIds[Number(index)];
    if (!memberId) continue;
    await options.database.db.transaction(async (tx) => {
      const standing = new StandingRepository(tx);
      const orderId = `00000000-0000-4000-9000-${String(Number(index) + 1).padStart(12, '0')}`;
      await standing.recordPurchase({
        orderId,
        memberId,
        amount,
        currency: 'CNY',
        paidAt: new Date(options.now.getTime() - 60 * DAY_MS),
        returnWindowEndsAt: null,
      });
      await reevaluateMember(standing, memberId, 'demo_data', options.now, { graceDays: 0 });
    });
  }
}
