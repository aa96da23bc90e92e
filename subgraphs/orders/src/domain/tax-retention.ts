/**
 * How long an erased member's orders keep what still ties them to the person, for tax: the
 * legal period (ORDERS_TAX_RETENTION_YEARS) counted from when the order was placed. Orders
 * placed before the cut-off lose every remaining link; the amounts stay for the books.
 */
export function taxRetentionCutoff(now: Date, years: number): Date {
  const cutoff = new Date(now.getTime());
  cutoff.setUTCFullYear(cutoff.getUTCFullYear() - years);
  return cutoff;
}
