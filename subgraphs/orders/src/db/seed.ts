import type { Database } from '@membership/db';
import { paidOrder, type OrderLineDraft } from '../domain/orders.js';
import { OrdersRepository } from './orders-repository.js';

export interface SeedOrdersOptions {
  database: Database;
  /** The demo members, in DEMO_MEMBERS order (Ana, Bo, Chen, Dee). */
  memberIds: readonly string[];
  now: Date;
}

/** How many orders each demo member gets, by position: Ana 3, Bo 2, Chen 1, Dee none. */
const ORDERS_PER_MEMBER = [3, 2, 1, 0];

const CATALOGUE = [
  { sku: 'TEA-LONGJING-250G', title: 'Longjing green tea, 250 g', unitAmount: 12_800 },
  { sku: 'MUG-CELADON', title: 'Celadon tea mug', unitAmount: 4_500 },
  { sku: 'MOONCAKE-BOX-4', title: 'Mooncakes, box of 4', unitAmount: 16_800 },
  { sku: 'NOTEBOOK-A5', title: 'Linen notebook, A5', unitAmount: 3_900 },
] as const;

const DAY_MS = 86_400_000;

/** A fixed UUID (v4 layout) from small numbers, so re-seeding writes the same ids. */
function seedId(kind: 'a' | 'b', ...parts: number[]): string {
  const tail = parts
    .map((n) => n.toString(16).padStart(4, '0'))
    .join('')
    .padStart(12, '0');
  return `00000000-0000-4000-${kind}000-${tail}`;
}

/**
 * Paid CNY orders for the demo members, placed over the last weeks before `now`,
 * through the real path so each records its OrderPaid event. Ids are fixed, and
 * placing an order that exists changes nothing, so seeding twice is harmless.
 */
export async function seedOrders(options: SeedOrdersOptions): Promise<void> {
  const repository = new OrdersRepository(options.database.db, { kind: 'all' });
  for (const [m, memberId] of options.memberIds.entries()) {
    const count = ORDERS_PER_MEMBER[m] ?? 0;
    for (let o = 0; o < count; o++) {
      const id = seedId('a', m + 1, o + 1);
      const lines: OrderLineDraft[] = [0, 1].slice(0, 1 + ((m + o) % 2)).map((l) => {
        const product = CATALOGUE[(m + o + l) % CATALOGUE.length]!;
        return { id: seedId('b', m + 1, o + 1, l + 1), ...product, quantity: 1 + ((o + l) % 3) };
      });
      // The newest order is the first one; each is a few days older than the one before.
      const placedAt = new Date(options.now.getTime() - (1 + m + o * 5) * DAY_MS);
      const paidAt = new Date(placedAt.getTime() + 2 * 60_000);
      const { order, lines: rows } = paidOrder({ id, memberId, currency: 'CNY', lines, placedAt, paidAt });
      await repository.placePaidOrder(order, rows);
    }
  }
}
