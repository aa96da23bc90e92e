import { ConfigError, secretEnv, z } from '@membership/config';
import { subgraphEnv } from '@membership/subgraph';

/** Published on purpose, like the other development secrets: only development and tests use it. */
const DEVELOPMENT_WEBHOOK_SECRET = 'dev-payment-webhook-secret-change-me-0123';

/** Orders' own settings, beside the ones every subgraph reads. */
const ordersShape = {
  /** Signs orders' own calls to points (holding points for an order's offset). */
  ORDERS_SIGNING_KEY: secretEnv.ORDERS_SIGNING_KEY,
  /**
   * Where points answers orders' calls (its GraphQL endpoint). Unset: where the host says
   * points listens (one process), else http://127.0.0.1:4103/graphql.
   */
  POINTS_URL: z.string().url().optional(),
  /** How long a call to points may take before checkout gives up (nothing is placed). */
  POINTS_TIMEOUT_MS: z.coerce.number().int().min(100).default(5000),
  /** Which payment provider charges cards: only the development one exists so far. */
  PAYMENT_PROVIDER: z.enum(['development']).default('development'),
  /** Secret the provider signs its callbacks with (HMAC-SHA256, 32+ characters). */
  PAYMENT_WEBHOOK_SECRET: z.string().min(32).optional(),
  /** How long a charge may take; after it the payment stays PENDING until the provider's callback. */
  PAYMENT_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  /** An order still unpaid this many minutes after it was placed is cancelled (and its points hold released). */
  PAYMENT_DEADLINE_MINUTES: z.coerce.number().int().min(1).default(30),
  /** Days after payment during which a member may ask for a refund or return. */
  RETURN_WINDOW_DAYS: z.coerce.number().int().min(0).default(7),
  /** Refunds up to this amount (minor units) are approved without staff for members in good standing; 0 turns it off. */
  REFUND_AUTO_APPROVE_MAX: z.coerce.number().int().min(0).default(5000),
  /** This many refund requests by one member within RISK_REFUND_SPIKE_HOURS raise a flag. */
  RISK_REFUND_SPIKE_COUNT: z.coerce.number().int().min(2).default(3),
  RISK_REFUND_SPIKE_HOURS: z.coerce.number().int().min(1).default(24),
  /** A whole-order refund asked within this many minutes of paying looks like brushing for points. */
  RISK_BRUSHING_MINUTES: z.coerce.number().int().min(1).default(60),
  /** This many accounts paying with one card, or from one device, raise a flag. */
  RISK_SHARED_ACCOUNTS: z.coerce.number().int().min(2).default(3),
  /**
   * Years an erased member's orders keep their remaining links (invoice titles, payment
   * references, fingerprints) for tax, counted from the order's placement; then the
   * orders.tax-retention job removes them (docs/DATA-RETENTION.md). 10: the period the tax
   * collection rules set for books and vouchers.
   */
  ORDERS_TAX_RETENTION_YEARS: z.coerce.number().int().min(1).max(50).default(10),
};

const parseOrdersEnv = subgraphEnv(4104, ordersShape);

/** Orders' environment; its signing key and webhook secret are always present once parsed. */
export type OrdersEnv = ReturnType<typeof parseOrdersEnv> & { ORDERS_SIGNING_KEY: string; PAYMENT_WEBHOOK_SECRET: string };

/** Orders' environment, parsed once: the shared settings, on port 4104 by default, and orders' own. */
export function loadOrdersEnv(source?: Record<string, string | undefined>): OrdersEnv {
  const env = parseOrdersEnv(source);
  if (!env.PAYMENT_WEBHOOK_SECRET && env.NODE_ENV === 'production') {
    throw new ConfigError('Missing required secret(s) in production: PAYMENT_WEBHOOK_SECRET');
  }
  return { ...env, PAYMENT_WEBHOOK_SECRET: env.PAYMENT_WEBHOOK_SECRET ?? DEVELOPMENT_WEBHOOK_SECRET } as OrdersEnv;
}
