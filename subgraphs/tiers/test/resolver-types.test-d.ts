/**
 * Type test, checked by `npm run typecheck` (vitest does not run it): resolvers typed
 * with the Resolvers generated from schema.graphql refuse what the SDL does not say.
 * Each `@ts-expect-error` fails the typecheck if the generated types stop catching it.
 */
import type { Resolvers } from '../src/generated/resolvers-types.js';

export const wrongFieldName: Resolvers = {
  Query: {
    // @ts-expect-error the SDL has `tiers`, not `tierList`: a renamed field must not pass
    tierList: () => [],
  },
};

export const wrongReturnType: Resolvers = {
  Tier: {
    // @ts-expect-error pointsMultiplier is a Float!, not a string
    pointsMultiplier: () => '1.5',
  },
};

export const wrongArgument: Resolvers = {
  Query: {
    // @ts-expect-error memberDataExport takes `memberId`, not `id`
    memberDataExport: (_, args: { id: string }) => args.id,
  },
};

export const wrongParentField: Resolvers = {
  Tier: {
    // @ts-expect-error a Tier resolver gets the tiers row (code, name, rank, currency), which has no multiplier
    pointsMultiplier: (tier) => tier.multiplier,
  },
};

export const wrongContext: Resolvers = {
  Query: {
    // @ts-expect-error the tiers context has `tiers`, not `orders`
    tiers: (_, __, ctx) => ctx.orders.published(),
  },
};

/** What the SDL does say type-checks. */
export const matching: Resolvers = {
  Query: { tiers: (_, __, ctx) => ctx.tiers.published() },
  Tier: { name: (tier) => tier.name.toUpperCase() },
  Member: { tierSince: () => new Date() },
};
