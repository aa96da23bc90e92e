import { badInput } from '@membership/domain';
import type { OrderLineFacts, StoredOrder } from './orders.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The member id an export asks for; members' ids are UUIDs, anything else is refused. */
export function exportMemberId(raw: string): string {
  if (!UUID.test(raw)) throw badInput(`"${raw}" is not a member id.`, 'memberId');
  return raw;
}

/** What orders holds about one member, as it goes into their data export. */
export interface OrdersExport {
  subgraph: 'orders';
  memberId: string;
  exportedAt: string;
  orders: {
    id: string;
    status: string;
    total: { amount: number; currency: string };
    placedAt: string;
    paidAt: string | null;
    lines: { sku: string; title: string; quantity: number; unitPrice: { amount: number; currency: string } }[];
  }[];
}

/**
 * The member's orders with their lines, in plain JSON values (ISO timestamps, money in
 * minor units with its currency), oldest first as given.
 */
export function ordersExport(memberId: string, held: readonly { order: StoredOrder; lines: readonly OrderLineFacts[] }[], at: Date): OrdersExport {
  return {
    subgraph: 'orders',
    memberId,
    exportedAt: at.toISOString(),
    orders: held.map(({ order, lines }) => ({
      id: order.id,
      status: order.status,
      total: { amount: order.totalAmount, currency: order.currency },
      placedAt: order.placedAt.toISOString(),
      paidAt: order.paidAt?.toISOString() ?? null,
      lines: lines.map((line) => ({
        sku: line.sku,
        title: line.title,
        quantity: line.quantity,
        unitPrice: { amount: line.unitAmount, currency: order.currency },
      })),
    })),
  };
}
