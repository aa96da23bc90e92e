/** Where an order stands. Kept free of imports so the drizzle schema (and drizzle-kit) can read it. */
export const ORDER_STATUSES = ['PENDING', 'PAID', 'REFUNDED', 'CANCELLED'] as const;

export type OrderStatus = (typeof ORDER_STATUSES)[number];
