import { badInput } from '@membership/domain';
import type { OrderLineFacts, StoredOrder } from './orders.js';

type Money = { amount: number; currency: string };

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
    shippingAddress?: string | null;
    payments?: { method: string; status: string; amount: Money; last4: string | null; createdAt: string }[];
    refunds?: {
      status: string;
      reason: string;
      note: string | null;
      evidence: string[];
      requested: Money;
      approved: Money | null;
      requestedAt: string;
    }[];
    invoice?: { number: string; kind: string; companyName: string | null; taxId: string | null; amount: Money; issuedAt: string } | null;
    review?: { rating: number; comment: string | null; reviewedAt: string } | null;
  }[];
}

/** What the export reads beside the order and its lines (each optional, so plain order facts export too). */
interface HeldExtras {
  shippingAddress?: string | null;
  payments?: readonly { method: string; status: string; amount: number; last4: string | null; createdAt: Date }[];
  refunds?: readonly {
    status: string;
    reason: string;
    note: string | null;
    evidence: string[];
    amount: number;
    approvedAmount: number | null;
    requestedAt: Date;
  }[];
  invoice?: { number: string; kind: string; companyName: string | null; taxId: string | null; amount: number; issuedAt: Date } | null;
  review?: { rating: number; comment: string | null; reviewedAt: Date } | null;
}

/**
 * The member's orders with their lines, address, payments, refunds, invoice and review, in plain JSON values (ISO timestamps, money in
 * minor units with its currency), oldest first as given.
 */
export function ordersExport(
  memberId: string,
  held: readonly ({ order: StoredOrder & Pick<HeldExtras, 'shippingAddress'>; lines: readonly OrderLineFacts[] } & Omit<
    HeldExtras,
    'shippingAddress'
  >)[],
  at: Date,
): OrdersExport {
  return {
    subgraph: 'orders',
    memberId,
    exportedAt: at.toISOString(),
    orders: held.map(({ order, lines, payments = [], refunds = [], invoice = null, review = null }) => ({
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
      shippingAddress: order.shippingAddress ?? null,
      payments: payments.map((p) => ({
        method: p.method,
        status: p.status,
        amount: { amount: p.amount, currency: order.currency },
        last4: p.last4,
        createdAt: p.createdAt.toISOString(),
      })),
      refunds: refunds.map((r) => ({
        status: r.status,
        reason: r.reason,
        note: r.note,
        evidence: [...r.evidence],
        requested: { amount: r.amount, currency: order.currency },
        approved: r.approvedAmount === null ? null : { amount: r.approvedAmount, currency: order.currency },
        requestedAt: r.requestedAt.toISOString(),
      })),
      invoice: invoice
        ? {
            number: invoice.number,
            kind: invoice.kind,
            companyName: invoice.companyName,
            taxId: invoice.taxId,
            amount: { amount: invoice.amount, currency: order.currency },
            issuedAt: invoice.issuedAt.toISOString(),
          }
        : null,
      review: review ? { rating: review.rating, comment: review.comment, reviewedAt: review.reviewedAt.toISOString() } : null,
    })),
  };
}
