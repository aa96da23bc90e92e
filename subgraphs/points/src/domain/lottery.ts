import { createHash } from 'node:crypto';
import { badInput } from '@membership/domain';

/** A prize as the draw sees it. */
export interface Prize {
  id: string;
  count: number;
  weight: number;
  awarded: number;
}

/**
 * The number an entry draws: the first 6 bytes of SHA-256(seed:lotteryId:n) as an integer,
 * so anyone holding the seed (revealed after the lottery) can recompute every draw.
 */
export function drawNumber(seed: string, lotteryId: string, n: number): number {
  return createHash('sha256').update(`${seed}:${lotteryId}:${n}`).digest().readUIntBE(0, 6);
}

/** The hash of the seed, published when the lottery opens so the seed cannot change later. */
export const seedCommitment = (seed: string) => createHash('sha256').update(seed).digest('hex');

/**
 * The prize the `n`th entry wins: the draw number picks a slot among all prizes' weights plus
 * `loseWeight`; a prize whose count is given out already falls through to no prize. Prizes
 * in a stable order (by id), so a replay of the draw gives the same answer.
 */
export function drawPrize(seed: string, lotteryId: string, n: number, prizes: readonly Prize[], loseWeight: number): string | null {
  const ordered = [...prizes].sort((a, b) => (a.id < b.id ? -1 : 1));
  const total = ordered.reduce((w, p) => w + p.weight, 0) + loseWeight;
  if (total <= 0) return null;
  let slot = drawNumber(seed, lotteryId, n) % total;
  for (const p of ordered) {
    if (slot < p.weight) return p.awarded < p.count ? p.id : null;
    slot -= p.weight;
  }
  return null;
}

/** A new lottery's prizes and odds, checked. */
export function checkLottery(input: {
  entryCost: number;
  loseWeight: number;
  prizes: readonly { name: string; count: number; weight: number }[];
}): void {
  if (!Number.isInteger(input.entryCost) || input.entryCost <= 0)
    throw badInput('An entry costs a positive whole number of points.', 'entryCost');
  if (!Number.isInteger(input.loseWeight) || input.loseWeight < 0)
    throw badInput('The weight of drawing nothing is a whole number, 0 or more.', 'loseWeight');
  if (input.prizes.length === 0) throw badInput('A lottery needs at least one prize.', 'prizes');
  for (const p of input.prizes) {
    if (!p.name.trim()) throw badInput('Every prize needs a name.', 'prizes');
    if (!Number.isInteger(p.count) || p.count <= 0) throw badInput(`${p.name}: the count is a positive whole number.`, 'prizes');
    if (!Number.isInteger(p.weight) || p.weight <= 0) throw badInput(`${p.name}: the weight is a positive whole number.`, 'prizes');
  }
}
