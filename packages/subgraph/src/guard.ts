import { GraphQLError, isObjectType, type GraphQLSchema } from 'graphql';
import { allow, and, deny, or, rule, shield } from 'graphql-shield';
import { applyMiddleware } from 'graphql-middleware';
import type { IRules } from 'graphql-shield';
import { hasScope, type Viewer } from '@membership/viewer';

/** A graphql-shield rule or a logic rule built from rules. */
export type ShieldRule = Parameters<typeof and>[number];

/** Rules for some fields of some types; fields of root types not named here are denied. */
export type FieldRules = Record<string, Record<string, ShieldRule>>;

const ROOT_TYPES = new Set(['Query', 'Mutation', 'Subscription']);

interface ViewerContext {
  viewer: Viewer;
}

const forbiddenError = () => new GraphQLError('You are not allowed to do this.', { extensions: { code: 'FORBIDDEN' } });

/** Any caller with a token: a member, staff or partner. */
export const isAuthenticated = rule({ cache: 'contextual' })((_p, _a, ctx: ViewerContext) =>
  ctx.viewer.kind === 'anonymous' ? new GraphQLError('Sign in to do this.', { extensions: { code: 'UNAUTHENTICATED' } }) : true,
);

/** A signed-in member. */
export const isMember = rule({ cache: 'contextual' })((_p, _a, ctx: ViewerContext) =>
  ctx.viewer.kind === 'member'
    ? true
    : ctx.viewer.kind === 'anonymous'
      ? new GraphQLError('Sign in to do this.', { extensions: { code: 'UNAUTHENTICATED' } })
      : forbiddenError(),
);

// graphql-shield refuses two different rule objects with one name, so each
// parameterised rule is built once per name and reused.
const named = new Map<string, ShieldRule>();
function once(name: string, build: () => ShieldRule): ShieldRule {
  let r = named.get(name);
  if (!r) named.set(name, (r = build()));
  return r;
}

/** Staff holding `scope`. */
export const isStaffWith = (scope: string) =>
  once(`staff:${scope}`, () =>
    rule(`staff:${scope}`, { cache: 'contextual' })((_p, _a, ctx: ViewerContext) => hasScope(ctx.viewer, scope)),
  );

/** Another server of this platform calling for itself. */
export const isService = rule({ cache: 'contextual' })((_p, _a, ctx: ViewerContext) => ctx.viewer.kind === 'service');

/** Another server of this platform, by name (its key proved which): for fields only that service may call. */
export const isServiceNamed = (service: string) =>
  once(`service:${service}`, () =>
    rule(`service:${service}`, { cache: 'contextual' })(
      (_p, _a, ctx: ViewerContext) => ctx.viewer.kind === 'service' && ctx.viewer.service === service,
    ),
  );

/**
 * The parent object belongs to the calling member (by `idField` of the parent), or
 * the caller is staff with `staffScope`. Ownership is decided from the forwarded
 * viewer, never from client input.
 */
export const isOwnerOrStaff = (staffScope: string, idField = 'id') =>
  once(`owner-or-${staffScope}-${idField}`, () =>
    rule(`owner-or-${staffScope}-${idField}`, { cache: 'no_cache' })((parent: Record<string, unknown>, _a, ctx: ViewerContext) => {
      if (ctx.viewer.kind === 'member' && parent?.[idField] === ctx.viewer.memberId) return true;
      return hasScope(ctx.viewer, staffScope);
    }),
  );

export { allow, deny, or };

/**
 * Wraps `schema` with graphql-shield. Root fields not named in `rules` are denied
 * (a new root field stays closed until someone opens it); on other types, unnamed
 * fields are allowed, since reaching them already passed a root rule or an entity
 * lookup the gateway made with a signed viewer.
 */
export function guardSchema(schema: GraphQLSchema, rules: FieldRules): GraphQLSchema {
  const tree: IRules = {};
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    const own = rules[type.name] ?? {};
    if (ROOT_TYPES.has(type.name)) {
      // Federation's own entry points: only a signed request ever reaches them.
      const federation = Object.fromEntries(['_service', '_entities'].filter((f) => type.getFields()[f]).map((f) => [f, allow]));
      tree[type.name] = type.name === 'Query' ? { ...federation, ...own } : { ...own };
    } else {
      tree[type.name] = { '*': allow, ...own };
    }
  }
  for (const name of Object.keys(rules)) {
    if (!schema.getType(name)) throw new Error(`guardSchema: rules name type ${name}, which the schema does not have`);
  }
  // graphql-shield would wrap every resolver (an async middleware per field, on every
  // request); keep its middleware only where a rule does something: named fields, and
  // the root fields that fall back to deny.
  const generated = shield(tree, { fallbackRule: deny, fallbackError: forbiddenError, allowExternalErrors: true }).generate(
    schema,
  ) as Record<string, Record<string, unknown>>;
  const needed: Record<string, Record<string, unknown>> = {};
  for (const [typeName, fields] of Object.entries(tree as Record<string, Record<string, unknown>>)) {
    const type = schema.getType(typeName);
    if (!type || !isObjectType(type)) continue;
    const names = ROOT_TYPES.has(typeName) ? Object.keys(type.getFields()) : Object.keys(fields).filter((f) => f !== '*');
    const kept = names.filter((f) => fields[f] !== allow && generated[typeName]?.[f]);
    if (kept.length > 0) needed[typeName] = Object.fromEntries(kept.map((f) => [f, generated[typeName]![f]]));
  }
  return applyMiddleware(schema, needed as never);
}
