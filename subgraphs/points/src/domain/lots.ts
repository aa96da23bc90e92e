import { badInput } from '@membership/domain';

/**
 * The lot rules, with no database: earned points form lots that expire; spending takes the
 * lots nearest to expiry first and remembers which, so a refund gives back exactly those
 * lots; a clawback larger than the balance leaves a debt that later earnings pay first.
 */

/** A lot as the rules see it: how many points are left in it and when they expire. */
export interface Lot {
  id: string;
  remaining: number;
  expiresAt: Date;
}

/** Points taken from (positive) or given back to (negative) one lot. */
export interface LotUse {
  lotId: string;
  points: number;
}

/** How long earned points last: N whole years, or until the end of the year after the one they were earned in. */
export type ExpiryPolicy = { kind: 'years'; years: number } | { kind: 'end_of_following_year' };

/** When points earned at `earnedAt` expire under `policy` (UTC; the end of a year is 31 Dec 23:59:59.999). */
export function expiryOf(earnedAt: Date, policy: ExpiryPolicy): Date {
  if (policy.kind === 'end_of_following_year') return new Date(Date.UTC(earnedAt.getUTCFullYear() + 2, 0, 1) - 1);
  const at = new Date(earnedAt);
  at.setUTCFullYear(at.getUTCFullYear() + policy.years);
  return at;
}

/** A positive whole number of points, or a BAD_USER_INPUT naming `field`. */
export function wholePoints(points: number, field = 'points'): number {
  if (!Number.isInteger(points) || points <= 0) throw badInput(`Points are a positive whole number, not ${points}.`, field);
  return points;
}

/** Lots that can still be spent at `now`, nearest expiry first (then by id, so the order is stable). */
export function spendOrder(lots: readonly Lot[], now: Date): Lot[] {
  return lots
    .filter((l) => l.remaining > 0 && l.expiresAt > now)
    .sort((a, b) => a.expiresAt.getTime() - b.expiresAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * Which lots `points` come out of: `preferred` lots first (a clawback takes the order's own
 * lot before others), then nearest expiry first. Returns null when the lots do not cover it.
 */
export function planSpend(lots: readonly Lot[], points: number, now: Date, preferred: readonly string[] = []): LotUse[] | null {
  const ordered = spendOrder(lots, now);
  const first = ordered.filter((l) => preferred.includes(l.id));
  const rest = ordered.filter((l) => !preferred.includes(l.id));
  const uses: LotUse[] = [];
  let left = points;
  for (const lot of [...first, ...rest]) {
    if (left === 0) break;
    const take = Math.min(lot.remaining, left);
    uses.push({ lotId: lot.id, points: take });
    left -= take;
  }
  return left === 0 ? uses : null;
}

/** A lot a spending used, with how much of it is still out (used minus already given back). */
export interface UsedLot {
  lotId: string;
  expiresAt: Date;
  outstanding: number;
}

/**
 * Gives `points` back to the lots a spending used, the lot that lives longest first (the
 * member keeps the most time), never more to a lot than is still out of it. The uses it
 * returns are negative (given back). Throws when more is asked back than is out.
 */
export function planRestore(used: readonly UsedLot[], points: number): LotUse[] {
  const outstanding = used.reduce((n, u) => n + u.outstanding, 0);
  if (points > outstanding)
    throw badInput(`Only ${outstanding} points of this spending are still out; ${points} cannot be given back.`, 'points');
  const ordered = [...used].sort((a, b) => b.expiresAt.getTime() - a.expiresAt.getTime() || (a.lotId < b.lotId ? -1 : 1));
  const uses: LotUse[] = [];
  let left = points;
  for (const u of ordered) {
    if (left === 0) break;
    const give = Math.min(u.outstanding, left);
    if (give > 0) uses.push({ lotId: u.lotId, points: -give });
    left -= give;
  }
  return uses;
}

/** How an earning of `points` splits when the member owes `debt`: the debt is paid first, the rest is spendable. */
export function splitEarning(points: number, debt: number): { toDebt: number; toBalance: number } {
  const toDebt = Math.min(points, debt);
  return { toDebt, toBalance: points - toDebt };
}

/** How a clawback of `points` splits over a `balance`: what can be taken now, and the debt for the rest. */
export function splitClawback(points: number, balance: number): { taken: number; debt: number } {
  const taken = Math.min(points, balance);
  return { taken, debt: points - taken };
}
