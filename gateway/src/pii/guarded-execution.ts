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
import { ownerDecides, type PiiAccess } from './access.js';
import { denialKey, pathPattern, withoutStackTrace, type FieldDenial } from './field-errors.js';
import { accessFor, presentPiiValue, type PiiExecutionContext } from './guarded-schema.js';
import type { PiiMark, PiiMarks } from './marks.js';
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
  /** The runtime type the group was collected on. */
  typeName: string;
  nodes: FieldNode[];
  field: GraphQLField<unknown, unknown>;
  nonNull: boolean;
  shape: Shape;
  /** The field's `@pii` mark, if it has one: then its rule decides. */
  mark?: PiiMark;
  /** The response key holding the owner id of this object's type. */
  ownerKey: string;
  /** The group's response path with list indices as `*` (one pattern per group), once denied. */
  pattern?: string;
  /** The last owner met in this group and its verdict: rows of a list mostly share one. */
  lastOwner?: unknown;
  lastVerdict?: Verdict;
  /** The denial record this group last counted into, and for which error. */
  lastDenial?: { error: Error; denial: Denial };
}

/** FORBIDDEN denials of one path pattern and reason: the earliest row and how many rows. */
interface Denial {
  check: Check;
  error: Error;
  count: number;
}

/**
 * One `@pii` value to decide: `object[group.key]`, made into an object only when it must
 * wait for a verdict or be reported; values that take a known verdict allocate nothing.
 * Its path and null slot are derived from the object's only when needed.
 */
interface Check {
  /** Order in the walk (document order, then list order), so the reported row is the first one. */
  seq: number;
  object: Record<string, unknown>;
  group: FieldGroup;
  /** The object's path and where null goes to null the object (for a non-null field). */
  objectPath: Path | undefined;
  objectSlot: Slot;
}

const pathOf = (check: Check): Path => ({ prev: check.objectPath, key: check.group.key, typename: check.group.typeName });

/** graphql-shield's verdict for one field and owner: allowed, or the error it returned (once known). */
interface Verdict {
  outcome?: true | Error;
  /** Values of the same field and owner met while graphql-shield was still deciding. */
  waiting: Check[];
  /** Once allowed: how much of the values this viewer sees (one field, so one category, and one owner). */
  access?: PiiAccess;
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
  contextValue: PiiExecutionContext;
}

export interface GuardedExecutionResult {
  data: Record<string, unknown> | null;
  /** Errors other than denials, at their paths. */
  errors: GraphQLError[];
  /** FORBIDDEN denials, one per path pattern and reason, earliest first; the gateway makes one error of each. */
  denials: FieldDenial[];
}

/**
 * Executes the client's (pruned) document over the shield-wrapped schema with the
 * planner's result as its source, the way graphql-js would, but specialised to data that
 * is already there: every non-PII field is a property read, so only the `@pii` fields run
 * their resolvers (graphql-shield's middleware, then masking and disclosure records), and
 * their results are written into the planner's result in place.
 *
 * graphql-shield is asked once per field and owner in a request (once per field where the
 * owner cannot change the answer, see `ownerDecides`): the first value of each runs the
 * shield-wrapped resolver, and the others take its verdict (the rules read nothing else,
 * see guarded-schema.ts). graphql-js's general
 * executor paid for a promise, a path and a completion per field and a Promise.all per
 * list, and shield's async middleware per value (`npm run bench:pii:pass` measures this pass).
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
  private readonly context: PiiExecutionContext;
  private readonly errors: GraphQLError[] = [];
  /** FORBIDDEN denials by path pattern and reason: the earliest row and how many rows. */
  private readonly denials = new Map<string, Denial>();
  private checks = 0;
  private readonly verdicts = new Map<GraphQLField<unknown, unknown>, Map<unknown, Verdict>>();
  /** Values whose shield-wrapped resolver returned a promise, their verdicts and those promises, side by side. */
  private asked: { check: Check; verdict: Verdict }[] = [];
  private promises: Promise<unknown>[] = [];
  /** Objects walked and the owner alias of their runtime type, flat in pairs: their reserved keys come out at the end. */
  private readonly walked: (Record<string, unknown> | string)[] = [];
  private readonly fieldsMemo = new Map<GraphQLObjectType, Map<unknown, FieldGroup[]>>();
  private dataNulled = false;
  /** Whether verdicts are per owner for this viewer, or per field only (access.ts). */
  private readonly ownerDecides: boolean;

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
    this.ownerDecides = ownerDecides(args.contextValue.viewer);
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
    while (this.asked.length > 0) {
      const asked = this.asked;
      const settled = await Promise.allSettled(this.promises);
      this.asked = [];
      this.promises = [];
      for (let i = 0; i < asked.length; i++) {
        const outcome = settled[i]!;
        this.decided(asked[i]!.check, asked[i]!.verdict, outcome.status === 'fulfilled' ? outcome.value : outcome.reason);
      }
    }
  }

  finish(): GuardedExecutionResult {
    // Assigning undefined keeps V8's fast object shapes (delete would not); JSON drops the key.
    const walked = this.walked;
    for (let i = 0; i < walked.length; i += 2) {
      const object = walked[i] as Record<string, unknown>;
      const owner = walked[i + 1] as string;
      if (TYPENAME_ALIAS in object) object[TYPENAME_ALIAS] = undefined;
      if (owner in object) object[owner] = undefined;
    }
    // Denials become errors once, in the gateway's answer: no located error per denial first.
    const denials = [...this.denials.values()]
      .sort((a, b) => a.check.seq - b.check.seq)
      .map(({ check, error, count }): FieldDenial => {
        const path = responsePathAsArray(pathOf(check));
        return { message: error.message, nodes: check.group.nodes, path, pattern: pathPattern(path), count };
      });
    return { data: this.dataNulled ? null : this.data, errors: this.errors, denials };
  }

  private walkObject(
    object: Record<string, unknown>,
    type: GraphQLObjectType,
    selection: SelectionSetNode | FieldNode[],
    path: Path | undefined,
    slot: Slot,
  ): void {
    this.walked.push(object, ownerAlias(type.name));
    for (const group of this.fieldsOf(type, selection)) {
      if (!group.mark && group.shape.kind === 'leaf') continue;
      if (group.mark) {
        this.check(object, group, path, slot, type);
      } else {
        const value = object[group.key];
        if (value === null || value === undefined) continue;
        const fieldSlot = group.nonNull ? slot : { container: object, key: group.key };
        this.walkValue(value, group.shape, group.nodes, { prev: path, key: group.key, typename: type.name }, fieldSlot);
      }
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

  /**
   * Decides one `@pii` value: the first of its field and owner runs the shield-wrapped
   * resolver; the rest wait for, or take, that verdict.
   */
  private check(
    object: Record<string, unknown>,
    group: FieldGroup,
    objectPath: Path | undefined,
    objectSlot: Slot,
    parentType: GraphQLObjectType,
  ): void {
    const seq = this.checks++;
    const ownerId = this.ownerDecides ? object[group.ownerKey] : undefined;
    let verdict = group.lastVerdict !== undefined && group.lastOwner === ownerId ? group.lastVerdict : undefined;
    if (!verdict) {
      let byOwner = this.verdicts.get(group.field);
      if (!byOwner) this.verdicts.set(group.field, (byOwner = new Map()));
      verdict = byOwner.get(ownerId);
      group.lastOwner = ownerId;
      if (!verdict) {
        byOwner.set(ownerId, (group.lastVerdict = { waiting: [] }));
        return this.ask({ seq, object, group, objectPath, objectSlot }, group.lastVerdict, parentType);
      }
      group.lastVerdict = verdict;
    }
    const { outcome } = verdict;
    if (outcome === true) this.allow(object, group, objectPath, objectSlot, verdict);
    else if (outcome === undefined) verdict.waiting.push({ seq, object, group, objectPath, objectSlot });
    else this.refuse(seq, object, group, objectPath, objectSlot, outcome);
  }

  /** Runs the shield-wrapped resolver for the first value of a field and owner. */
  private ask(check: Check, verdict: Verdict, parentType: GraphQLObjectType): void {
    const { field, nodes } = check.group;
    const info = {
      fieldName: field.name,
      fieldNodes: nodes,
      returnType: field.type,
      parentType,
      path: pathOf(check),
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
      this.asked.push({ check, verdict });
      this.promises.push(result);
    } else {
      this.decided(check, verdict, result);
    }
  }

  /** The shield-wrapped resolver answered for the first value: that is the verdict for the rest. */
  private decided(check: Check, verdict: Verdict, result: unknown): void {
    verdict.outcome = result instanceof Error ? result : true;
    const { seq, object, group, objectPath, objectSlot } = check;
    if (result instanceof Error) this.refuse(seq, object, group, objectPath, objectSlot, result);
    else this.place(object, group, objectPath, objectSlot, result);
    for (const other of verdict.waiting) this.follow(other, verdict);
    verdict.waiting = [];
  }

  private follow(check: Check, verdict: Verdict): void {
    const { seq, object, group, objectPath, objectSlot } = check;
    if (verdict.outcome === true) this.allow(object, group, objectPath, objectSlot, verdict);
    else this.refuse(seq, object, group, objectPath, objectSlot, verdict.outcome!);
  }

  /** A value graphql-shield allowed: shown as the verdict's access says (decided once per verdict). */
  private allow(
    object: Record<string, unknown>,
    group: FieldGroup,
    objectPath: Path | undefined,
    objectSlot: Slot,
    verdict: Verdict,
  ): void {
    const access = (verdict.access ??= accessFor(
      this.context,
      group.mark!.category,
      this.ownerDecides ? object[group.ownerKey] : undefined,
    ));
    this.place(object, group, objectPath, objectSlot, presentPiiValue(group.mark!, this.context, access, object, group.key));
  }

  /** Writes an allowed value (masked or not) in place, and walks into it if it is an object. */
  private place(object: Record<string, unknown>, group: FieldGroup, objectPath: Path | undefined, objectSlot: Slot, value: unknown): void {
    if (value === null || value === undefined) {
      if (group.nonNull) this.nullAt(objectSlot);
      else object[group.key] = null;
      return;
    }
    object[group.key] = value;
    if (group.shape.kind === 'leaf') return;
    const path: Path = { prev: objectPath, key: group.key, typename: group.typeName };
    this.walkValue(value, group.shape, group.nodes, path, group.nonNull ? objectSlot : { container: object, key: group.key });
  }

  /**
   * A refused value is null. A FORBIDDEN denial raises one error per path pattern and
   * reason, at its earliest row, and counts the rest, so 500 denied rows cost one error,
   * not 500; any other error is reported where it happened.
   */
  private refuse(
    seq: number,
    object: Record<string, unknown>,
    group: FieldGroup,
    objectPath: Path | undefined,
    objectSlot: Slot,
    error: Error,
  ): void {
    if ((error as GraphQLError).extensions?.code !== 'FORBIDDEN') {
      const path = responsePathAsArray(pathOf({ seq, object, group, objectPath, objectSlot }));
      this.errors.push(withoutStackTrace(() => locatedError(error, group.nodes, path)));
    } else {
      let denial = group.lastDenial?.error === error ? group.lastDenial.denial : undefined;
      if (!denial) {
        const check: Check = { seq, object, group, objectPath, objectSlot };
        const key = denialKey((group.pattern ??= pathPattern(pathOf(check))), error.message);
        denial = this.denials.get(key);
        if (!denial) this.denials.set(key, (denial = { check, error, count: 0 }));
        group.lastDenial = { error, denial };
      }
      denial.count++;
      if (seq < denial.check.seq) Object.assign(denial, { check: { seq, object, group, objectPath, objectSlot }, error });
    }
    this.place(object, group, objectPath, objectSlot, null);
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
        groups.push({
          key,
          typeName: type.name,
          nodes,
          field,
          nonNull: isNonNullType(field.type),
          shape: shapeOf(field.type),
          mark: typeMarks?.get(name),
          ownerKey: ownerAlias(type.name),
        });
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
