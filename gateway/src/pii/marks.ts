import { Kind, parse, type ConstValueNode, type DocumentNode } from 'graphql';
import type { PiiMask } from '@membership/viewer';

/** One `@pii` mark on a field of the supergraph. */
export interface PiiMark {
  typeName: string;
  fieldName: string;
  /** `Type.field`, as the access log names it. */
  label: string;
  category: string;
  mask: PiiMask;
  /** The field of the same type that holds the owning member's id. */
  ownerField: string;
  /** Whether the mark named its owner field; if not, each implementing type gets its own default. */
  explicitOwner: boolean;
}

/** The owner field a type uses when its mark does not name one. */
export const defaultOwnerField = (typeName: string) => (typeName === 'Member' ? 'id' : 'memberId');

/** Every `@pii` mark, by type then field. */
export type PiiMarks = Map<string, Map<string, PiiMark>>;

const MASKS = new Set<PiiMask>(['PHONE', 'EMAIL', 'ID_NUMBER', 'NAME', 'REDACT']);

function stringArg(value: ConstValueNode | undefined): string | undefined {
  if (!value) return undefined;
  if (value.kind === Kind.ENUM || value.kind === Kind.STRING) return value.value;
  return undefined;
}

/** Guesses how to mask a field from its name when the mark does not say. */
function defaultMask(fieldName: string): PiiMask {
  const name = fieldName.toLowerCase();
  if (name.includes('phone') || name.includes('mobile')) return 'PHONE';
  if (name.includes('email')) return 'EMAIL';
  if (name.includes('idnumber') || name.includes('documentnumber')) return 'ID_NUMBER';
  if (name.includes('name')) return 'NAME';
  return 'REDACT';
}

/**
 * Reads the `@pii(category:, mask:, owner:)` marks from the composed supergraph SDL (the
 * API schema has them stripped). Owner defaults to `id` on Member and `memberId`
 * elsewhere. Nobody keeps a list of PII fields by hand: this is the list.
 */
export function readPiiMarks(supergraphSdl: string | DocumentNode): PiiMarks {
  const doc = typeof supergraphSdl === 'string' ? parse(supergraphSdl) : supergraphSdl;
  const marks: PiiMarks = new Map();
  for (const def of doc.definitions) {
    if (
      def.kind !== Kind.OBJECT_TYPE_DEFINITION &&
      def.kind !== Kind.INTERFACE_TYPE_DEFINITION &&
      def.kind !== Kind.OBJECT_TYPE_EXTENSION &&
      def.kind !== Kind.INTERFACE_TYPE_EXTENSION
    )
      continue;
    for (const field of def.fields ?? []) {
      const directive = field.directives?.find((d) => d.name.value === 'pii');
      if (!directive) continue;
      const arg = (name: string) => stringArg(directive.arguments?.find((a) => a.name.value === name)?.value);
      const category = arg('category');
      if (!category) throw new Error(`@pii on ${def.name.value}.${field.name.value} has no category`);
      const mask = arg('mask') as PiiMask | undefined;
      if (mask && !MASKS.has(mask)) throw new Error(`@pii on ${def.name.value}.${field.name.value} has unknown mask ${mask}`);
      const mark: PiiMark = {
        typeName: def.name.value,
        fieldName: field.name.value,
        label: `${def.name.value}.${field.name.value}`,
        category,
        mask: mask ?? defaultMask(field.name.value),
        ownerField: arg('owner') ?? defaultOwnerField(def.name.value),
        explicitOwner: arg('owner') !== undefined,
      };
      const byField = marks.get(mark.typeName) ?? new Map<string, PiiMark>();
      byField.set(mark.fieldName, mark);
      marks.set(mark.typeName, byField);
    }
  }
  return marks;
}
