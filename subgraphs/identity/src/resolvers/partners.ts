import { badInput, keyedLoader, notFound } from '@membership/subgraph';
import type { IdentityContext } from '../context.js';
import { isUuid } from '../domain/pii-access-log.js';
import {
  issuePartnerApiKey,
  partnerCaller,
  presentKey,
  presentPartner,
  registerPartner,
  type PartnerApiKeyRow,
  revokePartnerApiKey,
  rotatePartnerApiKey,
} from '../domain/partners.js';
import type { Actor } from '../domain/staff.js';
import type { PiiCategory, Resolvers } from '../generated/resolvers-types.js';

const checkId = (id: string, field: string) => {
  if (!isUuid(id)) throw badInput(`${field} is not an id this API gave out.`, field);
  return id;
};

function actor(ctx: IdentityContext): Actor {
  if (ctx.viewer.kind !== 'staff') throw new Error('staff operation reached without a staff viewer');
  return { kind: 'staff', id: ctx.viewer.staffId };
}

type Loader<V> = ReturnType<typeof keyedLoader<V>>;
const requestLoaders = new WeakMap<IdentityContext, { grants?: Loader<string[]>; keys?: Loader<PartnerApiKeyRow[]> }>();
const loadersOf = (ctx: IdentityContext) => {
  let loaders = requestLoaders.get(ctx);
  if (!loaders) requestLoaders.set(ctx, (loaders = {}));
  return loaders;
};

/**
 * The kinds of data a member shares now with the calling partner: one query per request for
 * every member the request reaches.
 */
export function partnerGrantsOf(ctx: IdentityContext, memberId: string): Promise<string[]> {
  if (ctx.viewer.kind !== 'partner') return Promise.resolve([]);
  const partner = ctx.viewer.partnerId;
  const loaders = loadersOf(ctx);
  loaders.grants ??= keyedLoader<string[]>(async (ids) => {
    const byMember = new Map<string, string[]>();
    for (const g of await ctx.partners.partners.consentGrants(partner, ids, ctx.now()))
      byMember.set(g.memberId, [...(byMember.get(g.memberId) ?? []), g.category]);
    return byMember;
  }, []);
  return loaders.grants.load(memberId);
}

/** Each partner's keys: one query for all the partners a request lists. */
function keysOf(ctx: IdentityContext, partnerId: string): Promise<PartnerApiKeyRow[]> {
  const loaders = loadersOf(ctx);
  loaders.keys ??= keyedLoader<PartnerApiKeyRow[]>((ids) => ctx.partners.partners.keysOf(ids), []);
  return loaders.keys.load(partnerId);
}

/** Partner registry, keys, and the gateway's internal lookups. */
export const partnerResolvers = {
  Query: {
    partners: async (_, __, ctx) => (await ctx.partners.partners.all()).map((p) => presentPartner(p, ctx.now())),
    partnerMember: async (_, args, ctx) => {
      const id = checkId(args.id, 'id');
      // A member who shares nothing with this partner is not one it may look up at all.
      if ((await partnerGrantsOf(ctx, id)).length === 0) throw notFound('No member with this id shares data with you.');
      return ctx.loaders.memberById.load(id);
    },
    partnerCaller: (_, args, ctx) => partnerCaller(ctx.partners, args.apiKey),
    partnerConsentGrants: (_, args, ctx) => ctx.partners.partners.consentGrants(args.partner, args.memberIds.filter(isUuid), ctx.now()),
  },
  Mutation: {
    registerPartner: async (_, args, ctx) =>
      presentPartner(await registerPartner(ctx.partners, actor(ctx), args.input, args.reason), ctx.now()),
    issuePartnerApiKey: async (_, args, ctx) => {
      const issued = await issuePartnerApiKey(ctx.partners, actor(ctx), checkId(args.partnerId, 'partnerId'), args.scopes, args.reason);
      return { key: issued.key, apiKey: presentKey(issued.apiKey, ctx.now()) };
    },
    rotatePartnerApiKey: async (_, args, ctx) => {
      const issued = await rotatePartnerApiKey(ctx.partners, actor(ctx), checkId(args.keyId, 'keyId'), args.overlapHours, args.reason);
      return { key: issued.key, apiKey: presentKey(issued.apiKey, ctx.now()) };
    },
    revokePartnerApiKey: async (_, args, ctx) =>
      presentKey(await revokePartnerApiKey(ctx.partners, actor(ctx), checkId(args.keyId, 'keyId'), args.reason), ctx.now()),
  },
  Partner: {
    apiKeys: async (partner, _, ctx) => (await keysOf(ctx, partner.id)).map((k) => presentKey(k, ctx.now())),
  },
  DataSharingAgreement: {
    allowedCategories: (agreement) => agreement.allowedCategories as PiiCategory[],
  },
} satisfies Resolvers;
