/** Where an order stands. Kept free of imports so the drizzle schema (and drizzle-kit) can read it. */
export const ORDER_STATUSES = [
  'PLACED',
  'PAID',
  'SHIPPED',
  'DELIVERED',
  'COMPLETED',
  'CANCELLED',
  'REFUND_REQUESTED',
  'PARTIALLY_REFUNDED',
  'REFUNDED',
] as const;

export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** How a payment was made: online through the provider, offline recorded by staff, or with points alone. */
export const PAYMENT_METHOD_CODES = ['ONLINE', 'OFFLINE', 'POINTS'] as const;
export type PaymentMethodCode = (typeof PAYMENT_METHOD_CODES)[number];

/** Where a payment attempt stands; a PENDING one waits for the provider's callback. */
export const PAYMENT_STATUSES = ['PENDING', 'SUCCEEDED', 'FAILED'] as const;

/** Why a member asks for their money back. */
export const REFUND_REASONS = ['DEFECT', 'NOT_AS_DESCRIBED', 'OTHER'] as const;
export type RefundReason = (typeof REFUND_REASONS)[number];

/** Where a refund request stands: asked, approved and being paid back, turned down, or paid back. */
export const REFUND_STATUSES = ['REQUESTED', 'APPROVED', 'REJECTED', 'COMPLETED'] as const;
export type RefundStatus = (typeof REFUND_STATUSES)[number];

/** Who an invoice is made out to. */
export const INVOICE_KINDS = ['PERSON', 'COMPANY'] as const;
export type InvoiceKind = (typeof INVOICE_KINDS)[number];

/** Why the risk checks raised a flag. */
export const RISK_FLAG_KINDS = ['REFUND_SPIKE', 'BRUSHING', 'SHARED_INSTRUMENT', 'SHARED_DEVICE', 'REDEMPTION_SPIKE'] as const;

/** Where a flag stands: waiting for staff, dismissed, or escalated to a moderation case. */
export const RISK_FLAG_STATUSES = ['OPEN', 'DISMISSED', 'ESCALATED'] as const;
export type RiskFlagStatus = (typeof RISK_FLAG_STATUSES)[number];
