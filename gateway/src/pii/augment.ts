import { createHash } from 'node:crypto';
import {
  Kind,
  TypeInfo,
  isAbstractType,
  isCompositeType,
  isObjectType,
  print,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type FieldNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type InlineFragmentNode,
  type OperationDefinitionNode,
  getOperationAST,
  type SelectionNode,
  type SelectionSetNode,
} from 'graphql';
import type { PiiMarks } from './marks.js';
import { prunedToPii } from './prune.js';

import { TYPENAME_ALIAS, ownerAlias } from './reserved.js';

export { RESERVED_ALIAS_PREFIX } from './reserved.js';

/** A document the query planner runs in place of the client's, and how the gateway names it. */
export interface PlannedDocument {
  document: DocumentNode;
  source: string;
  operation?: OperationDefinitionNode;
  /** Query hash the planner sees (never the client's, unless this is the client's document). */
  queryHash: string;
}

export interface DocumentAnalysis {
  /** Whether any selected field can resolve to a PII-marked field. */
  touchesPii: boolean;
  /** The client's document plus owner ids and type names: for viewers whose access depends on, or is logged by, the owner. */
  withOwners?: PlannedDocument;
  /**
   * The client's document plus type names only, for viewers the owner means nothing to
   * (anonymous callers, services: denied whoever the owner is); `undefined` when that is
   * the client's document as it came.
   */
  withoutOwners?: PlannedDocument;
  /** The client's document cut down to the paths that reach PII: what the guarded execution runs. */
  pruned?: DocumentNode;
}

/** The object types a value of `type` can be. */
const possibleTypes = (schema: GraphQLSchema, type: GraphQLCompositeType) =>
  isAbstractType(type) ? schema.getPossibleTypes(type) : isObjectType(type) ? [type] : [];

const field = (alias: string, name: string): FieldNode => ({
  kind: Kind.FIELD,
  alias: { kind: Kind.NAME, value: alias },
  name: { kind: Kind.NAME, value: name },
});

const onType = (typeName: string, selections: SelectionNode[]): InlineFragmentNode => ({
  kind: Kind.INLINE_FRAGMENT,
  typeCondition: { kind: Kind.NAMED_TYPE, name: { kind: Kind.NAME, value: typeName } },
  selectionSet: { kind: Kind.SELECTION_SET, selections },
});

/**
 * Works out, once per document, whether it reaches PII, and if so the documents the
 * planner runs instead of the client's (with owner ids and without: see `augment`) and
 * the part of the client's document that guarded execution walks.
 */
export function analyseDocument(
  schema: GraphQLSchema,
  marks: PiiMarks,
  document: DocumentNode,
  operationName?: string | null,
): DocumentAnalysis {
  const touchInfo = new TypeInfo(schema);
  let touchesPii = false;
  visit(
    document,
    visitWithTypeInfo(touchInfo, {
      Field(node) {
        const parent = touchInfo.getParentType();
        if (!parent || touchesPii) return;
        if (marks.get(parent.name)?.has(node.name.value)) touchesPii = true;
        else if (possibleTypes(schema, parent).some((t) => marks.get(t.name)?.has(node.name.value))) touchesPii = true;
      },
    }),
  );
  if (!touchesPii) return { touchesPii };
  return {
    touchesPii,
    withOwners: planned(augment(schema, marks, document, { owners: true }), operationName),
    withoutOwners: planned(augment(schema, marks, document, { owners: false }), operationName),
    pruned: prunedToPii(schema, marks, document),
  };
}

function planned(document: DocumentNode | undefined, operationName?: string | null): PlannedDocument | undefined {
  if (!document) return undefined;
  const source = print(document);
  return {
    document,
    source,
    operation: getOperationAST(document, operationName) ?? undefined,
    queryHash: createHash('sha256').update(source).digest('hex'),
  };
}

/**
 * The augmented document: every selection set that selects a PII field also selects the
 * owner id (`_pii_owner_<Type>: <ownerField>`, with `owners`), and every selection set on
 * an interface or union on the way to a PII field selects `_pii_typename: __typename`, so
 * the client's document can be executed again over the planner's result with the rules
 * in place. `undefined` when it adds nothing.
 */
function augment(schema: GraphQLSchema, marks: PiiMarks, document: DocumentNode, options: { owners: boolean }): DocumentNode | undefined {
  const info = new TypeInfo(schema);
  // Selection sets (as augmented) on the way to a PII field: only these get reserved
  // keys, and guarded execution walks exactly these, so it can take the keys out again.
  const leadsToPii = new Set<SelectionSetNode>();
  let changed = false;
  const augmented = visit(
    document,
    visitWithTypeInfo(info, {
      SelectionSet: {
        leave(node: SelectionSetNode) {
          const parent = info.getParentType();
          if (!parent || !isCompositeType(parent)) return undefined;
          const extra: SelectionNode[] = [];
          // Owners only where this selection set itself selects a marked field: every PII
          // field sits directly in some selection set (operation, inline fragment or
          // fragment definition), and an owner lookup elsewhere would only add subgraph
          // calls whose failures could null data the client never asked to be guarded.
          const selected = node.selections.flatMap((s) => (s.kind === Kind.FIELD ? [s.name.value] : []));
          let leads = false;
          for (const type of possibleTypes(schema, parent)) {
            const typeMarks = marks.get(type.name);
            const mark = selected.map((name) => typeMarks?.get(name)).find((m) => m !== undefined);
            if (!mark) continue;
            leads = true;
            if (!options.owners || !type.getFields()[mark.ownerField]) continue;
            const owner = field(ownerAlias(type.name), mark.ownerField);
            extra.push(type === parent ? owner : onType(type.name, [owner]));
          }
          leads ||= node.selections.some(
            (s) => s.kind === Kind.FRAGMENT_SPREAD || (s.selectionSet !== undefined && leadsToPii.has(s.selectionSet)),
          );
          if (leads && isAbstractType(parent)) extra.push(field(TYPENAME_ALIAS, '__typename'));
          // Returning nothing keeps the node (and lets the parent see it unchanged).
          const result = extra.length ? { ...node, selections: [...node.selections, ...extra] } : undefined;
          if (leads) leadsToPii.add(result ?? node);
          changed ||= result !== undefined;
          return result;
        },
      },
    }),
  );
  return changed ? augmented : undefined;
}
