import { DomainError } from '@membership/domain';

/**
 * Counts hits in fixed windows, shared by every identity process when it is Redis: `hit`
 * adds one to `key`'s window that holds `now` and says how many hits it holds and when it ends.
 */
export interface RateCounter {
  hit(key: string, windowSeconds: number, now: Date): Promise<{ count: number; resetsAt: Date }>;
}

/** At most `limit` hits per `windowSeconds`. */
export interface RateLimit {
  limit: number;
  windowSeconds: number;
}

/** How many one-time codes may be sent: to one contact, from one client address, and in all. */
export interface CodeSendLimits {
  perContact: RateLimit;
  perAddress: RateLimit;
  global: RateLimit;
}

/** The fixed window holding `now`: its start, end and the key that counts it. */
export function windowOf(key: string, windowSeconds: number, now: Date): { key: string; resetsAt: Date } {
  const size = windowSeconds * 1000;
  const start = Math.floor(now.getTime() / size) * size;
  return { key: `${key}:${windowSeconds}:${start}`, resetsAt: new Date(start + size) };
}

/**
 * Counts one code about to be sent against each limit (the contact's, the client address's,
 * everyone's) and refuses with RATE_LIMITED, saying when to try again, when any is over. The
 * answer is the same whether or not the contact has an account.
 */
export async function countCodeSend(
  counter: RateCounter,
  limits: CodeSendLimits,
  who: { purpose: string; contactLookup: string; clientAddress?: string },
  now: Date,
): Promise<void> {
  const checks: [string, RateLimit, string][] = [
    [`${who.purpose}:global`, limits.global, 'Too many codes are being sent right now.'],
    ...(who.clientAddress
      ? [
          [`${who.purpose}:address:${who.clientAddress}`, limits.perAddress, 'Too many codes were asked for from your network.'] as [
            string,
            RateLimit,
            string,
          ],
        ]
      : []),
    [`${who.purpose}:contact:${who.contactLookup}`, limits.perContact, 'Too many codes were asked for this contact.'],
  ];
  let refusal: { message: string; retryAfterSeconds: number } | undefined;
  for (const [key, limit, message] of checks) {
    const { count, resetsAt } = await counter.hit(key, limit.windowSeconds, now);
    if (count > limit.limit) {
      const retryAfterSeconds = Math.max(1, Math.ceil((resetsAt.getTime() - now.getTime()) / 1000));
      if (!refusal || retryAfterSeconds > refusal.retryAfterSeconds) refusal = { message, retryAfterSeconds };
    }
  }
  if (refusal) {
    const { message, retryAfterSeconds } = refusal;
    throw new DomainError(
      'RATE_LIMITED',
      `${message} Try again in ${retryAfterSeconds} second${retryAfterSeconds === 1 ? '' : 's'}.`,
      undefined,
      {
        retryAfterSeconds,
      },
    );
  }
}
