import {
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  Kind,
  getArgumentValues,
  getDirectiveValues,
  getNullableType,
  getOperationAST,
  getVariableValues,
  isAbstractType,
  isListType,
  isNonNullType,
  isObjectType,
  locatedError,
  responsePathAsArray,
  typeFromAST,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLAbstractType,
  type GraphQLError,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  type NamedTypeNode,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
} from 'graphql';
import { withoutStackTrace } from './field-errors.js';
import type { PiiMarks } from './marks.js';
import { TYPENAME_ALIAS, ownerAlias } from './reserved.js';

/** graphql-js's response path (a linked list from the field back to the root). */
type Path = GraphQLResolveInfo['path'];

/** Where a value goes when it must become null: a key of its container, or the whole `data`. */
interface Slot {
  container: Record<string | number, unknown> | null;
  key: string | number;
}
const DATA: Slot = { container: null, key: '' };

/** What the walk needs to know of an output type, worked out once per type (not per value). */
type Shape =
  | { kind: 'leaf' }
  | { kind: 'list'; item: Shape; itemNonNull: boolean }
  | { kind: 'object'; type: GraphQLObjectType }
  | { kind: 'abstract'; type: GraphQLAbstractType };

const shapes = new WeakMap<GraphQLOutputType, Shape>();
function shapeOf(type: GraphQLOutputType): Shape {
  let shape = shapes.get(type);
  if (!shape) {
    const nullable = getNullableType(type);
    if (isListType(nullable)) {
      const item = nullable.ofType as GraphQLOutputType;
      shape = { kind: 'list', item: shapeOf(item), itemNonNull: isNonNullType(item) };
    } else if (isObjectType(nullable)) shape = { kind: 'object', type: nullable };
    else if (isAbstractType(nullable)) shape = { kind: 'abstract', type: nullable };
    else shape = { kind: 'leaf' };
    shapes.set(type, shape);
  }
  return shape;
}

/** One field one selection collects on one runtime type (graphql-js `collectFields`), with what the walk needs. */
interface FieldGroup {
  key: string;
  nodes: FieldNode[];
  field: GraphQLField<unknown, unknown>;
  nonNull: boolean;
  shape: Shape;
  /** Whether the field carries `@pii`: its shield-wrapped resolver runs. */
  guarded: boolean;
}

/** A `@pii` field's resolver ran for one object; what it returned is written back when it settles. */
interface Check {
  object: Record<string, unknown>;
  group: FieldGroup;
  path: Path;
  slot: Slot;
}

export interface GuardedExecutionArgs {
  /** The API schema with graphql-shield middleware on every `@pii` field (see guarded-schema.ts). */
  schema: GraphQLSchema;
  /** Marks by concrete object type (interface marks already copied to implementations). */
  marks: PiiMarks;
  /** The client's document cut down to the paths that reach PII. */
  document: DocumentNode;
  operationName?: string | null;
  variables?: Record<string, unknown>;
  /** The planner's result for the augmented document: read, checked and cleaned in place. */
  data: Record<string, unknown>;
  contextValue: unknown;
}

export interface GuardedExecutionResult {
  data: Record<string, unknown> | null;
  errors: GraphQLError[];
}

/**
 * Executes the client's (pruned) document over the shield-wrapped schema with the
 * planner's result as its source, the way graphql-js would, but specialised to data that
 * is already there: every non-PII field is a property read, so only the `@pii` fields run
 * their resolvers (graphql-shield's middleware, then masking and disclosure records), and
 * their results are written into the planner's result in place. graphql-js's general
 * executor paid for a promise, a path and a completion per field and a Promise.all per
 * list; here all checks of a request are awaited together (see docs/PII-LAYER-PERFORMANCE.md).
 *
 * Semantics kept from graphql-js: field collection with fragments, type conditions and
 * @skip/@include; abstract types resolved from the `_pii_typename` the planner fetched;
 * an error returned by a rule is located at its path and the value is null; a null in a
 * non-null position nulls the nearest nullable parent. The gateway's reserved keys are
 * removed from every object it walked (the augmented document only adds them there).
 */
export async function executeGuarded(args: GuardedExecutionArgs): Promise<GuardedExecutionResult> {
  const run = new GuardedRun(args);
  run.start();
  await run.settle();
  return run.finish();
}

class GuardedRun {
  private readonly schema: GraphQLSchema;
  private readonly marks: PiiMarks;
  private readonly operation: OperationDefinitionNode;
  private readonly fragments: Record<string, FragmentDefinitionNode> = {};
  private readonly variables: Record<string, unknown>;
  private readonly data: Record<string, unknown>;
  private readonly context: unknown;
  private readonly errors: GraphQLError[] = [];
  /** Checks whose resolver returned a promise, and those promises, side by side. */
  private waiting: Check[] = [];
  private promises: Promise<unknown>[] = [];
  /** Objects walked, with their runtime type: their reserved keys come out at the end. */
  private readonly walked: { object: Record<string, unknown>; typeName: string }[] = [];
  private readonly fieldsMemo = new Map<GraphQLObjectType, Map<unknown, FieldGroup[]>>();
  private dataNulled = false;

  constructor(args: GuardedExecutionArgs) {
    this.schema = args.schema;
    this.marks = args.marks;
    const operation = getOperationAST(args.document, args.operationName);
    if (!operation) throw new Error('The guarded document has no operation to execute.');
    this.operation = operation;
    for (const def of args.document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) this.fragments[def.name.value] = def;
    this.variables = this.coerceVariables(args.variables ?? {});
    this.data = args.data;
    this.context = args.contextValue;
  }

  /** The gateway has already validated the request; coercion gives directives and arguments their typed values. */
  private coerceVariables(inputs: Record<string, unknown>): Record<string, unknown> {
    const definitions = this.operation.variableDefinitions ?? [];
    if (definitions.length === 0) return inputs;
    const coerced = getVariableValues(this.schema, definitions, inputs);
    return coerced.coerced ?? inputs;
  }

  start(): void {
    const root = this.schema.getRootType(this.operation.operation);
    if (!root) throw new Error(`The schema has no ${this.operation.operation} type.`);
    this.walkObject(this.data, root, this.operation.selectionSet, undefined, DATA);
  }

  /** Checks may finish with nested selections to walk (a `@pii` object field): drain until none are left. */
  async settle(): Promise<void> {
    while (this.waiting.length > 0) {
      const checks = this.waiting;
      const settled = await Promise.allSettled(this.promises);
      this.waiting = [];
      this.promises = [];
      for (let i = 0; i < checks.length; i++) {
        const outcome = settled[i]!;
        this.complete(checks[i]!, outcome.status === 'fulfilled' ? outcome.value : outcome.reason);
      }
    }
  }

  finish(): GuardedExecutionResult {
    // Assigning undefined keeps V8's fast object shapes (delete would not); JSON drops the key.
    for (const { object, typeName } of this.walked) {
      if (TYPENAME_ALIAS in object) object[TYPENAME_ALIAS] = undefined;
      const owner = ownerAlias(typeName);
      if (owner in object) object[owner] = undefined;
    }
    return { data: this.dataNulled ? null : this.data, errors: this.errors };
  }

  private walkObject(object: Record<string, unknown>, type: GraphQLObjectType, selection: SelectionSetNode | FieldNode[], path: Path | undefined, slot: Slot): void {
    this.walked.push({ object, typeName: type.name });
    for (const group of this.fieldsOf(type, selection)) {
      if (!group.guarded && group.shape.kind === 'leaf') continue;
      const fieldPath: Path = { prev: path, key: group.key, typename: type.name };
      const fieldSlot = group.nonNull ? slot : { container: object, key: group.key };
      if (group.guarded) this.check({ object, group, path: fieldPath, slot: fieldSlot }, type);
      else this.walkValue(object[group.key], group.shape, group.nodes, fieldPath, fieldSlot);
    }
  }

  private walkValue(value: unknown, shape: Shape, nodes: FieldNode[], path: Path, slot: Slot): void {
    if (value === null || value === undefined) return;
    switch (shape.kind) {
      case 'leaf':
        return;
      case 'list': {
        const items = value as unknown[];
        for (let i = 0; i < items.length; i++) {
          const itemSlot = shape.itemNonNull ? slot : { container: items as unknown as Record<number, unknown>, key: i };
          this.walkValue(items[i], shape.item, nodes, { prev: path, key: i, typename: undefined }, itemSlot);
        }
        return;
      }
      case 'object':
        return this.walkObject(value as Record<string, unknown>, shape.type, nodes, path, slot);
      case 'abstract': {
        const runtime = this.runtimeType(value as Record<string, unknown>, shape.type);
        // Without its type the object cannot be checked, so it does not leave.
        if (!runtime) return this.nullAt(slot);
        return this.walkObject(value as Record<string, unknown>, runtime, nodes, path, slot);
      }
    }
  }

  private runtimeType(object: Record<string, unknown>, abstract: GraphQLAbstractType): GraphQLObjectType | undefined {
    const type = this.schema.getType(String(object[TYPENAME_ALIAS] ?? object.__typename));
    return isObjectType(type) && this.schema.isSubType(abstract, type) ? type : undefined;
  }

  /** Runs a `@pii` field's shield-wrapped resolver; what it allows is written over the planner's value. */
  private check(check: Check, parentType: GraphQLObjectType): void {
    const { field, nodes } = check.group;
    const info = {
      fieldName: field.name,
      fieldNodes: nodes,
      returnType: field.type,
      parentType,
      path: check.path,
      schema: this.schema,
      fragments: this.fragments,
      rootValue: this.data,
      operation: this.operation,
      variableValues: this.variables,
    } as unknown as GraphQLResolveInfo;
    const args = field.args.length > 0 ? getArgumentValues(field, nodes[0]!, this.variables) : {};
    let result: unknown;
    try {
      result = field.resolve!(check.object, args, this.context, info);
    } catch (error) {
      result = error;
    }
    if (result instanceof Promise) {
      this.waiting.push(check);
      this.promises.push(result);
    } else {
      this.complete(check, result);
    }
  }

  private complete(check: Check, result: unknown): void {
    const { object, group, path, slot } = check;
    if (result instanceof Error) {
      const error = result;
      this.errors.push(withoutStackTrace(() => locatedError(error, group.nodes, responsePathAsArray(path))));
      result = null;
    }
    if (result === null || result === undefined) return this.nullAt(slot);
    object[group.key] = result;
    this.walkValue(result, group.shape, group.nodes, path, slot);
  }

  private nullAt(slot: Slot): void {
    if (slot.container) slot.container[slot.key] = null;
    else this.dataNulled = true;
  }

  /** graphql-js's field collection, memoised per runtime type and selection for this request. */
  private fieldsOf(type: GraphQLObjectType, selection: SelectionSetNode | FieldNode[]): FieldGroup[] {
    let byType = this.fieldsMemo.get(type);
    if (!byType) this.fieldsMemo.set(type, (byType = new Map()));
    let groups = byType.get(selection);
    if (!groups) {
      const collected = new Map<string, FieldNode[]>();
      const visited = new Set<string>();
      if (Array.isArray(selection)) {
        for (const node of selection) if (node.selectionSet) this.collect(type, node.selectionSet, collected, visited);
      } else {
        this.collect(type, selection as SelectionSetNode, collected, visited);
      }
      const fields = type.getFields();
      const typeMarks = this.marks.get(type.name);
      groups = [];
      for (const [key, nodes] of collected) {
        const name = nodes[0]!.name.value;
        const field = fields[name];
        if (!field) continue; // __typename and the pruned document's fillers
        groups.push({ key, nodes, field, nonNull: isNonNullType(field.type), shape: shapeOf(field.type), guarded: typeMarks?.has(name) ?? false });
      }
      byType.set(selection, groups);
    }
    return groups;
  }

  private collect(type: GraphQLObjectType, selectionSet: SelectionSetNode, into: Map<string, FieldNode[]>, visited: Set<string>): void {
    for (const selection of selectionSet.selections) {
      if (!this.included(selection)) continue;
      if (selection.kind === Kind.FIELD) {
        const key = selection.alias?.value ?? selection.name.value;
        const nodes = into.get(key);
        if (nodes) nodes.push(selection);
        else into.set(key, [selection]);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        if (this.applies(selection.typeCondition, type)) this.collect(type, selection.selectionSet, into, visited);
      } else {
        const name = selection.name.value;
        if (visited.has(name)) continue;
        visited.add(name);
        const fragment = this.fragments[name];
        if (fragment && this.applies(fragment.typeCondition, type)) this.collect(type, fragment.selectionSet, into, visited);
      }
    }
  }

  private included(node: SelectionNode): boolean {
    if (!node.directives?.length) return true;
    if (getDirectiveValues(GraphQLSkipDirective, node, this.variables)?.if === true) return false;
    return getDirectiveValues(GraphQLIncludeDirective, node, this.variables)?.if !== false;
  }

  private applies(condition: NamedTypeNode | undefined, type: GraphQLObjectType): boolean {
    if (!condition) return true;
    const conditionType = typeFromAST(this.schema, condition);
    if (conditionType === type) return true;
    return conditionType !== undefined && isAbstractType(conditionType) && this.schema.isSubType(conditionType, type);
  }
}
