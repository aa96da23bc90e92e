import {
  GraphQLError,
  buildSchema,
  isInterfaceType,
  isObjectType,
  printSchema,
  type GraphQLFieldResolver,
  type GraphQLSchema,
} from 'graphql';
import { applyMiddleware } from 'graphql-middleware';
import { allow, rule, shield } from 'graphql-shield';
import type { Viewer } from '@membership/viewer';
import { decideAccess, ownerDecides, type AccessPolicy, type PiiAccess } from './access.js';
import { ownerAlias } from './reserved.js';
import { maskValue } from './mask.js';
import { withoutStackTrace } from './field-errors.js';
import { defaultOwnerField, type PiiMark, type PiiMarks } from './marks.js';

/** A PII value returned to someone other than its owner; each one is logged. */
export interface Disclosure {
  ownerId: string;
  /** `Type.field`. */
  field: string;
  category: string;
  /** Where the value sits in the response, so it can be withheld if the log cannot be written. */
  holder: Record<string | number, unknown>;
  key: string | number;
}

/** What the guarded execution of one request sees. */
export interface PiiExecutionContext {
  viewer: Viewer;
  policy: AccessPolicy;
  disclosures: Disclosure[];
  /** Decisions by category, then owner, so a list of rows decides once per owner. */
  decisions?: Map<string, Map<unknown, PiiAccess>>;
  /** One error object per denial reason in a request. */
  denials?: Map<string, GraphQLError>;
}

/** The access decision for one category and owner in this request, decided once. */
export function accessFor(ctx: PiiExecutionContext, category: string, ownerId: unknown): PiiAccess {
  const byCategory = (ctx.decisions ??= new Map());
  let byOwner = byCategory.get(category);
  if (!byOwner) byCategory.set(category, (byOwner = new Map()));
  // Where the owner cannot change the answer, one decision serves every owner.
  const key = ownerDecides(ctx.viewer) ? ownerId : undefined;
  let access = byOwner.get(key);
  if (!access) byOwner.set(key, (access = decideAccess(ctx.viewer, category, ownerId, ctx.policy)));
  return access;
}

function denialError(ctx: PiiExecutionContext, reason: string): GraphQLError {
  const denials = (ctx.denials ??= new Map());
  let error = denials.get(reason);
  if (!error) {
    error = withoutStackTrace(() => new GraphQLError(reason, { extensions: { code: 'FORBIDDEN' } }));
    denials.set(reason, error);
  }
  return error;
}

/**
 * Marks on interface fields also apply to the object types that implement them, since
 * execution resolves fields on the concrete type.
 */
function marksForObjects(schema: GraphQLSchema, marks: PiiMarks): PiiMarks {
  const result: PiiMarks = new Map([...marks].map(([t, m]) => [t, new Map(m)]));
  for (const [typeName, fields] of marks) {
    const type = schema.getType(typeName);
    if (!type || !isInterfaceType(type)) continue;
    for (const impl of schema.getPossibleTypes(type)) {
      const own = result.get(impl.name) ?? new Map<string, PiiMark>();
      for (const [fieldName, mark] of fields) {
        if (own.has(fieldName)) continue;
        own.set(fieldName, {
          ...mark,
          typeName: impl.name,
          label: `${impl.name}.${fieldName}`,
          ownerField: mark.explicitOwner ? mark.ownerField : defaultOwnerField(impl.name),
        });
      }
      result.set(impl.name, own);
    }
  }
  return result;
}

/**
 * A PII value as this viewer may see it: in full for its owner; for anyone the rule
 * allowed, in full or masked, with a disclosure to log. The planner's value is under the
 * field's response key.
 */
function readPiiValue(mark: PiiMark, ctx: PiiExecutionContext, source: Record<string, unknown> | null, responseKey: string): unknown {
  if (!source) return source;
  return presentPiiValue(mark, ctx, accessFor(ctx, mark.category, source[ownerAlias(mark.typeName)]), source, responseKey);
}

/** `readPiiValue` with the access already decided (guarded execution keeps it for a run of rows with one owner). */
export function presentPiiValue(
  mark: PiiMark,
  ctx: PiiExecutionContext,
  access: PiiAccess,
  source: Record<string, unknown>,
  responseKey: string,
): unknown {
  const value = source[responseKey];
  if (value === null || value === undefined) return value;
  if (access.level === 'owner') return value;
  if (access.level === 'denied') return null; // the shield rule has already said why
  const ownerId = source[ownerAlias(mark.typeName)];
  // An owner field that answered null names nobody: the record was unlinked from an erased
  // member (an order kept for tax), so there is no one whose log the read belongs in. The
  // scope and purpose were still required; an owner that was never fetched (undefined) is
  // logged as before, and the log refuses it, so unlogged PII does not leave.
  if (ownerId !== null)
    ctx.disclosures.push({ ownerId: String(ownerId), field: mark.label, category: mark.category, holder: source, key: responseKey });
  return access.level === 'masked' ? maskValue(mark.mask, value) : value;
}

function piiResolver(mark: PiiMark): GraphQLFieldResolver<Record<string, unknown> | null, PiiExecutionContext> {
  return (source, _args, ctx, info) => readPiiValue(mark, ctx, source, info.path.key as string);
}

/**
 * The rule for one `@pii` field. Its verdict depends only on the viewer, the field and
 * the owner id the planner fetched under the reserved alias; guarded execution relies
 * on that to ask once per field and owner in a request.
 */
function piiRule(mark: PiiMark) {
  const alias = ownerAlias(mark.typeName);
  return rule(`pii:${mark.label}`, { cache: 'no_cache' })((parent: Record<string, unknown> | null, _args, ctx: PiiExecutionContext) => {
    const access = accessFor(ctx, mark.category, parent?.[alias]);
    return access.level === 'denied' ? denialError(ctx, access.reason) : true;
  });
}

/**
 * A copy of the API schema whose `@pii` fields carry graphql-shield rules (and mask or
 * record what they return, reading the planner's value under the field's response key).
 * Other fields have no resolver and no middleware: guarded execution reads them as they
 * came from the planner (guarded-execution.ts).
 */
export function buildGuardedSchema(apiSchema: GraphQLSchema, marks: PiiMarks): { schema: GraphQLSchema; marks: PiiMarks } {
  const schema = buildSchema(printSchema(apiSchema));
  const objectMarks = marksForObjects(schema, marks);
  const ruleTree: Record<string, Record<string, ReturnType<typeof piiRule>>> = {};
  for (const [typeName, fields] of objectMarks) {
    const type = schema.getType(typeName);
    if (!type || !isObjectType(type)) continue;
    for (const [fieldName, mark] of fields) {
      const f = type.getFields()[fieldName];
      if (!f) continue;
      f.resolve = piiResolver(mark);
      (ruleTree[typeName] ??= {})[fieldName] = piiRule(mark);
    }
  }
  const forbidden = new GraphQLError('You are not allowed to read this personal data.', { extensions: { code: 'FORBIDDEN' } });
  const generator = shield(ruleTree, { fallbackRule: allow, fallbackError: forbidden, allowExternalErrors: true });
  // shield would wrap every field with its fallback rule; keep only the PII fields' middleware.
  const generated = generator.generate(schema) as Record<string, Record<string, unknown>>;
  const onlyPii: Record<string, Record<string, unknown>> = {};
  for (const [typeName, fields] of Object.entries(ruleTree)) {
    onlyPii[typeName] = Object.fromEntries(Object.keys(fields).map((f) => [f, generated[typeName]?.[f]]));
  }
  return { schema: applyMiddleware(schema, onlyPii as never), marks: objectMarks };
}
