import {
  Kind,
  TypeInfo,
  isAbstractType,
  isObjectType,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type SelectionNode,
  type SelectionSetNode,
} from 'graphql';
import { RESERVED_ALIAS_PREFIX } from './reserved.js';
import type { PiiMarks } from './marks.js';

/** Stands in for an emptied selection set; its key is reserved, so merging skips it. */
const FILLER: SelectionNode = {
  kind: Kind.FIELD,
  alias: { kind: Kind.NAME, value: `${RESERVED_ALIAS_PREFIX}keep` },
  name: { kind: Kind.NAME, value: '__typename' },
};

const isFiller = (s: SelectionNode) => s === FILLER;

/**
 * The client's document cut down to the paths that lead to `@pii` fields, so the guarded
 * execution touches only those; everything else in the response is the planner's result
 * as it came. Fragment spreads are kept (their definitions are pruned the same way).
 */
export function prunedToPii(schema: GraphQLSchema, marks: PiiMarks, document: DocumentNode): DocumentNode {
  const possible = (type: GraphQLCompositeType) =>
    isAbstractType(type) ? schema.getPossibleTypes(type) : isObjectType(type) ? [type] : [];
  const info = new TypeInfo(schema);
  return visit(
    document,
    visitWithTypeInfo(info, {
      SelectionSet: {
        leave(node: SelectionSetNode) {
          const parent = info.getParentType();
          const types = parent ? possible(parent) : [];
          const keep = node.selections.filter((s) => {
            if (s.kind === Kind.FRAGMENT_SPREAD) return true;
            if (s.kind === Kind.INLINE_FRAGMENT) return !s.selectionSet.selections.every(isFiller);
            if (types.some((t) => marks.get(t.name)?.has(s.name.value))) return true;
            return s.selectionSet ? !s.selectionSet.selections.every(isFiller) : false;
          });
          return { ...node, selections: keep.length ? keep : [FILLER] };
        },
      },
    }),
  );
}
