import { groupedLoader, keyedLoader, toConnection, type Connection, type Cursor } from '@membership/subgraph';
import type { InvoiceRow, OrderLineRow, OrderRow, OrdersRepository, PaymentRow, ReviewRow } from './db/orders-repository.js';
import type { RefundRow, RefundsRepository } from './db/refunds-repository.js';

/** Which page of whose orders a field asks for. */
export interface OrdersPageKey {
  memberId: string;
  first: number;
  after?: Cursor;
}

const pageHash = (key: OrdersPageKey) => `${key.memberId}|${key.first}|${key.after ? `${key.after.at.toISOString()}|${key.after.id}` : ''}`;

const orderCursor = (order: OrderRow): Cursor => ({ at: order.placedAt, id: order.id });

const emptyConnection = (): Connection<OrderRow> => ({ edges: [], pageInfo: { hasNextPage: false, endCursor: null } });

/**
 * Per-request loaders: every order lookup, every member's page of orders and every
 * order's lines, payments, refunds, invoice and review in one request are one statement each, however many members or
 * orders the query touches.
 */
export function createLoaders(repository: OrdersRepository, refunds: RefundsRepository) {
  const orderById = keyedLoader<OrderRow | null>((ids) => repository.byIds(ids), null);
  return {
    orderById,
    linesByOrderId: keyedLoader<OrderLineRow[]>((ids) => repository.linesOf(ids), []),
    paymentsByOrderId: keyedLoader<PaymentRow[]>((ids) => repository.paymentsOf(ids), []),
    refundsByOrderId: keyedLoader<RefundRow[]>((ids) => refunds.refundsOf(ids), []),
    invoiceByOrderId: keyedLoader<InvoiceRow | null>((ids) => repository.invoicesOf(ids), null),
    reviewByOrderId: keyedLoader<ReviewRow | null>((ids) => repository.reviewsOf(ids), null),
    ordersByMember: groupedLoader<OrdersPageKey, Connection<OrderRow>>(
      pageHash,
      async (group) => {
        const { first, after } = group[0]!;
        const pages = await repository.pagesOf(
          group.map((k) => k.memberId),
          first,
          after,
        );
        const connections = new Map<string, Connection<OrderRow>>();
        for (const [memberId, rows] of pages) {
          for (const row of rows) orderById.prime(row.id, row);
          connections.set(memberId, toConnection(rows, first, orderCursor));
        }
        return connections;
      },
      emptyConnection,
    ),
  };
}

export type OrdersLoaders = ReturnType<typeof createLoaders>;
