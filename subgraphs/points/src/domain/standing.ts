import { DomainError } from '@membership/domain';

/** A sanction in force, as points keeps it from moderation's events. */
export interface SanctionInForce {
  sanctionId: string;
  kind: string;
  endsAt: Date | null;
}

/** The sanctions that stop a member from spending points in the store, on lotteries and on orders. */
const BLOCKING = new Set(['RESTRICTED_BENEFITS', 'BAN']);

/**
 * Refuses (FORBIDDEN) when one of `sanctions` blocks spending points at `now`, naming the
 * sanction and when it ends; the strictest one (a ban, then the longest) is named.
 */
export function assertMaySpend(sanctions: readonly SanctionInForce[], now: Date): void {
  const blocking = sanctions
    .filter((s) => BLOCKING.has(s.kind) && (s.endsAt === null || s.endsAt > now))
    .sort(
      (a, b) =>
        (a.kind === 'BAN' ? 0 : 1) - (b.kind === 'BAN' ? 0 : 1) || (b.endsAt?.getTime() ?? Infinity) - (a.endsAt?.getTime() ?? Infinity),
    );
  const s = blocking[0];
  if (!s) return;
  const what = s.kind === 'BAN' ? 'banned' : 'restricted from using benefits';
  const until = s.endsAt ? `until ${s.endsAt.toISOString()}` : 'until it is lifted';
  throw new DomainError(
    'FORBIDDEN',
    `This member is ${what} (sanction ${s.sanctionId}, ${s.kind}) ${until}; points cannot be spent before then.`,
    undefined,
    {
      sanction: s.kind,
      sanctionId: s.sanctionId,
      until: s.endsAt?.toISOString() ?? null,
      // The public names (gateway/src/errors.ts PUBLIC_EXTENSIONS): why, and until when (null: until lifted).
      restrictedUntil: s.endsAt?.toISOString() ?? null,
    },
  );
}
