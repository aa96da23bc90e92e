import type { ApolloServerPlugin } from '@apollo/server';
import {
  GraphQLError,
  Kind,
  getNamedType,
  isInterfaceType,
  isObjectType,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import { MAX_PAGE_SIZE } from '@membership/subgraph';

/** Arguments that say how many items a list field returns. */
const LIST_SIZE_ARGUMENTS: ReadonlySet<string> = new Set(['first', 'last', 'limit']);

/** Fields that answer from the schema alone; staff-only (introspectionPlugin) and never reach a subgraph. */
const INTROSPECTION_FIELDS = new Set(['__schema', '__type']);

/**
 * The cost model. A scalar costs `scalarCost`; an object costs `objectCost` plus
 * `depthFactor` times what it selects, so the same fields cost more the deeper they sit;
 * a field with a size argument multiplies all of that by how many items it may return.
 */
export interface CostModel {
  objectCost: number;
  scalarCost: number;
  depthFactor: number;
  /** Items assumed when a size argument is neither given nor defaulted. */
  defaultListSize: number;
  /**
   * The largest size that counts. Every size argument reaches the subgraphs' `pageArgs`,
   * which refuses a page over MAX_PAGE_SIZE before any work: `first: 1000` costs what can
   * be served, and its asker hears the real limit from the subgraph.
   */
  maxListSize: number;
}

export const DEFAULT_COST_MODEL: Omit<CostModel, 'defaultListSize'> = {
  objectCost: 2,
  scalarCost: 1,
  depthFactor: 1.5,
  maxListSize: MAX_PAGE_SIZE,
};

/**
 * What `operation` costs with these variable values. A field with a size argument
 * multiplies its subtree by the size, which is, in order: the `first`/`last`/`limit`
 * argument as written, the request's value for the variable written there, that
 * variable's default in the document, the argument's default in the schema, or
 * `defaultListSize`; never more than `maxListSize`. Where several are given the largest
 * counts. A list without a size argument (tiers, an order's lines) counts once: the
 * domain bounds its length, and a list that grows with the data takes a size argument.
 * Fragments count as if written out in place, so they change nothing.
 */
export function operationCost(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: Record<string, FragmentDefinitionNode>,
  variables: Record<string, unknown>,
  model: CostModel,
): number {
  const variableDefaults = new Map<string, ValueNode>();
  for (const definition of operation.variableDefinitions ?? []) {
    if (definition.defaultValue) variableDefaults.set(definition.variable.name.value, definition.defaultValue);
  }

  /** A written value as a whole number of items, or undefined when it says none. */
  const sizeOf = (value: ValueNode | undefined): number | undefined => {
    if (!value) return undefined;
    if (value.kind === Kind.INT) return Number.parseInt(value.value, 10);
    if (value.kind !== Kind.VARIABLE) return undefined;
    const name = value.name.value;
    const given = variables[name];
    if (typeof given === 'number' && Number.isFinite(given)) return given;
    // An explicit null or a wrong type is refused later by coercion; until then, the default stands in.
    return given === undefined || given === null ? sizeOf(variableDefaults.get(name)) : undefined;
  };

  const listSize = (field: FieldNode, definition: GraphQLField<unknown, unknown>): number | undefined => {
    let size: number | undefined;
    let sized = false;
    for (const arg of definition.args) {
      if (!LIST_SIZE_ARGUMENTS.has(arg.name)) continue;
      sized = true;
      const written = field.arguments?.find((a) => a.name.value === arg.name)?.value;
      const n = sizeOf(written) ?? (typeof arg.defaultValue === 'number' ? arg.defaultValue : undefined);
      if (n !== undefined) size = Math.max(size ?? 0, n);
    }
    if (!sized) return undefined;
    // Zero or negative sizes are refused by the subgraph; they never make a subtree free.
    return Math.min(model.maxListSize, Math.max(1, Math.floor(size ?? model.defaultListSize)));
  };

  // A fragment's cost depends only on the fragment, so each is computed once: spreading
  // one fragment into another many times cannot make this walk exponential.
  const fragmentCosts = new Map<string, number>();

  const selectionSetCost = (set: SelectionSetNode, parent: GraphQLNamedType | undefined): number => {
    let total = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        total += fieldCost(selection, parent);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        total += selectionSetCost(selection.selectionSet, type ?? parent);
      } else {
        const name = selection.name.value;
        let cost = fragmentCosts.get(name);
        if (cost === undefined) {
          const fragment = fragments[name];
          // Validation has refused unknown fragments and cycles; the guard keeps this total.
          fragmentCosts.set(name, 0);
          cost = fragment ? selectionSetCost(fragment.selectionSet, schema.getType(fragment.typeCondition.name.value) ?? parent) : 0;
          fragmentCosts.set(name, cost);
        }
        total += cost;
      }
    }
    return total;
  };

  const fieldCost = (field: FieldNode, parent: GraphQLNamedType | undefined): number => {
    const name = field.name.value;
    if (INTROSPECTION_FIELDS.has(name)) return 0;
    if (!field.selectionSet) return model.scalarCost;
    const definition = parent && (isObjectType(parent) || isInterfaceType(parent)) ? parent.getFields()[name] : undefined;
    const multiplier = (definition && listSize(field, definition)) ?? 1;
    const children = selectionSetCost(field.selectionSet, definition ? getNamedType(definition.type) : undefined);
    return (model.objectCost + model.depthFactor * children) * multiplier;
  };

  const root = schema.getRootType(operation.operation);
  return selectionSetCost(operation.selectionSet, root ?? undefined);
}

/**
 * Refuses an operation whose cost, with this request's variables, is over `maxCost`. It runs
 * once the operation is known and before anything executes, so no subgraph is called; it
 * answers like the other limits (400, GRAPHQL_VALIDATION_FAILED). It is a plugin and not a
 * validation rule because validation sees no variables (and Apollo caches its verdict per
 * document), and a list size given through a variable must count like a literal.
 */
export function costLimitPlugin(options: { maxCost: number; defaultListSize: number }): ApolloServerPlugin {
  const model: CostModel = { ...DEFAULT_COST_MODEL, defaultListSize: options.defaultListSize };
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request }) {
          // No operation by that name: execution refuses it without calling anyone.
          if (!operation) return;
          const fragments: Record<string, FragmentDefinitionNode> = {};
          for (const definition of document.definitions) {
            if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
          }
          const cost = Math.ceil(operationCost(schema, operation, fragments, request.variables ?? {}, model));
          if (cost <= options.maxCost) return;
          throw new GraphQLError(
            `Query cost limit of ${options.maxCost} exceeded, found ${cost}. Ask for fewer items (first/last/limit) or nest fewer lists.`,
            { extensions: { code: 'GRAPHQL_VALIDATION_FAILED', http: { status: 400 } } },
          );
        },
      };
    },
  };
}
