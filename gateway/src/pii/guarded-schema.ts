import {
  GraphQLError,
  buildSchema,
  isInterfaceType,
  isObjectType,
  printSchema,
  responsePathAsArray,
  type GraphQLFieldResolver,
  type GraphQLSchema,
} from 'graphql';
import { applyMiddleware } from 'graphql-middleware';
import { allow, rule, shield } from 'graphql-shield';
import type { Viewer } from '@membership/viewer';
import { decideAccess, type AccessPolicy, type PiiAccess } from './access.js';
import { ownerAlias } from './reserved.js';
import { maskValue } from './mask.js';
import { denialKey, withoutStackTrace } from './field-errors.js';
import { defaultOwnerField, type PiiMark, type PiiMarks } from './marks.js';

/** A PII value returned to someone other than its owner; each one is logged. */
export interface Disclosure {
  ownerId: string;
  typeName: string;
  fieldName: string;
  category: string;
  path: (string | number)[];
}

/** What the guarded execution of one request sees. */
export interface PiiExecutionContext {
  viewer: Viewer;
  policy: AccessPolicy;
  disclosures: Disclosure[];
  /** Decisions by category, then owner, so a list of rows decides once per owner. */
  decisions?: Map<string, Map<unknown, PiiAccess>>;
  /** One error object per denial reason: graphql-js reuses its stack instead of capturing one per row. */
  denials?: Map<string, GraphQLError>;
  /**
   * Denials by path pattern and reason. Only the first row of a pattern raises an error;
   * later rows are counted here, so a list of 500 denied rows costs one error, not 500.
   */
  denialCounts: Map<string, number>;
}

function accessFor(ctx: PiiExecutionContext, category: string, ownerId: unknown): PiiAccess {
  const byCategory = (ctx.decisions ??= new Map());
  let byOwner = byCategory.get(category);
  if (!byOwner) byCategory.set(category, (byOwner = new Map()));
  let access = byOwner.get(ownerId);
  if (!access) byOwner.set(ownerId, (access = decideAccess(ctx.viewer, category, ownerId, ctx.policy)));
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
export function marksForObjects(schema: GraphQLSchema, marks: PiiMarks): PiiMarks {
  const result: PiiMarks = new Map([...marks].map(([t, m]) => [t, new Map(m)]));
  for (const [typeName, fields] of marks) {
    const type = schema.getType(typeName);
    if (!type || !isInterfaceType(type)) continue;
    for (const impl of schema.getPossibleTypes(type)) {
      const own = result.get(impl.name) ?? new Map<string, PiiMark>();
      for (const [fieldName, mark] of fields) {
        if (own.has(fieldName)) continue;
        own.set(fieldName, { ...mark, typeName: impl.name, ownerField: mark.explicitOwner ? mark.ownerField : defaultOwnerField(impl.name) });
      }
      result.set(impl.name, own);
    }
  }
  return result;
}

function piiResolver(mark: PiiMark): GraphQLFieldResolver<Record<string, unknown> | null, PiiExecutionContext> {
  const alias = ownerAlias(mark.typeName);
  return (source, _args, ctx, info) => {
    const value = source?.[info.path.key as string];
    if (value === null || value === undefined) return value;
    const ownerId = source?.[alias];
    const access = accessFor(ctx, mark.category, ownerId);
    if (access.level === 'owner') return value;
    if (access.level === 'denied') return null; // the shield rule has already said why
    ctx.disclosures.push({
      ownerId: String(ownerId),
      typeName: mark.typeName,
      fieldName: mark.fieldName,
      category: mark.category,
      path: responsePathAsArray(info.path),
    });
    return access.level === 'masked' ? maskValue(mark.mask, value) : value;
  };
}

function piiRule(mark: PiiMark) {
  const alias = ownerAlias(mark.typeName);
  return rule(`pii:${mark.typeName}.${mark.fieldName}`, { cache: 'no_cache' })(
    (parent: Record<string, unknown> | null, _args, ctx: PiiExecutionContext, info) => {
      const access = accessFor(ctx, mark.category, parent?.[alias]);
      if (access.level !== 'denied') return true;
      const key = denialKey(info.path, access.reason);
      const seen = ctx.denialCounts.get(key);
      ctx.denialCounts.set(key, (seen ?? 0) + 1);
      // Later rows of a pattern already reported resolve to null (the resolver re-checks access).
      return seen === undefined ? denialError(ctx, access.reason) : true;
    },
  );
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
