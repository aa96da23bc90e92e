import { composeServices } from '@apollo/composition';
import { Kind, lexicographicSortSchema, parse, printSchema, visit, type DocumentNode } from 'graphql';

export interface SubgraphSource {
  name: string;
  url: string;
  sdl: string;
}

export type CompositionResult =
  | {
      ok: true;
      supergraphSdl: string;
      /** What clients see: the supergraph without federation machinery or `@inaccessible` fields, sorted. */
      apiSchemaSdl: string;
    }
  | { ok: false; errors: string[] };

const PII = 'pii';

/**
 * Subgraphs that mark fields `@pii` without `@composeDirective(name: "@pii")`.
 * Composition would silently drop their marks and the gateway would leave those
 * fields unprotected, so this is an error, not a warning.
 */
export function piiWithoutComposeDirective(subgraphs: SubgraphSource[]): string[] {
  const problems: string[] = [];
  for (const s of subgraphs) {
    const doc: DocumentNode = parse(s.sdl);
    let usesPii = false;
    let composes = false;
    visit(doc, {
      FieldDefinition(node) {
        if (node.directives?.some((d) => d.name.value === PII)) usesPii = true;
      },
      Directive(node) {
        if (node.name.value !== 'composeDirective') return;
        const arg = node.arguments?.find((a) => a.name.value === 'name');
        if (arg?.value.kind === Kind.STRING && arg.value.value === `@${PII}`) composes = true;
      },
    });
    if (usesPii && !composes) {
      problems.push(
        `Subgraph "${s.name}" marks fields @pii but does not declare @composeDirective(name: "@pii"); ` +
          'composition would drop its marks and leave those fields unprotected.',
      );
    }
  }
  return problems;
}

const OBJECT_DEFINITIONS = new Set<string>([
  Kind.OBJECT_TYPE_DEFINITION,
  Kind.OBJECT_TYPE_EXTENSION,
  Kind.INTERFACE_TYPE_DEFINITION,
  Kind.INTERFACE_TYPE_EXTENSION,
]);

/**
 * Subgraphs that hold member data but mark nothing `@pii`. A subgraph holds member data
 * when it adds fields to the `Member` entity (beyond its key), or when it has a type with
 * a `memberId` field (the owner field the gateway reads for marks on that type) and no
 * subgraph marks any field of that type. What a subgraph says about a member is personal
 * (their behaviour at least), so a subgraph with no mark at all has forgotten them, and
 * the gateway would let any staff token read them with no purpose and no access-log row.
 */
export function memberDataWithoutPii(subgraphs: SubgraphSource[]): string[] {
  const parsed = subgraphs.map((s) => ({ source: s, types: objectTypes(parse(s.sdl)) }));
  const markedTypes = new Set(parsed.flatMap(({ types }) => types.filter((t) => t.fields.some((f) => f.marked)).map((t) => t.name)));
  const problems: string[] = [];
  for (const { source, types } of parsed) {
    if (types.some((t) => t.fields.some((f) => f.marked))) continue;
    const reasons = new Set<string>();
    for (const type of types) {
      for (const field of type.fields) {
        if (type.name === 'Member' && field.name !== 'id') reasons.add(`Member.${field.name}`);
        if (field.name === 'memberId' && !markedTypes.has(type.name)) reasons.add(`${type.name}.memberId`);
      }
    }
    if (reasons.size > 0) {
      problems.push(
        `Subgraph "${source.name}" holds member data (${[...reasons].join(', ')}) but marks no field @pii; ` +
          'mark what describes a member (their behaviour: @pii(category: BEHAVIOUR)) so staff reads need a purpose and are logged.',
      );
    }
  }
  return problems;
}

/** The object and interface types of a subgraph, each field with whether it is marked `@pii`. */
function objectTypes(doc: DocumentNode): { name: string; fields: { name: string; marked: boolean }[] }[] {
  return doc.definitions.flatMap((def) =>
    OBJECT_DEFINITIONS.has(def.kind) && 'fields' in def
      ? [
          {
            name: def.name.value,
            fields: (def.fields ?? []).map((f) => ({
              name: f.name.value,
              marked: f.directives?.some((d) => d.name.value === PII) ?? false,
            })),
          },
        ]
      : [],
  );
}

/** Composes subgraphs into a supergraph with Apollo's composition, refusing dropped or forgotten @pii marks. */
export function composeSupergraph(subgraphs: SubgraphSource[]): CompositionResult {
  const piiProblems = [...piiWithoutComposeDirective(subgraphs), ...memberDataWithoutPii(subgraphs)];
  if (piiProblems.length > 0) return { ok: false, errors: piiProblems };
  const result = composeServices(subgraphs.map((s) => ({ name: s.name, url: s.url, typeDefs: parse(s.sdl) })));
  if (result.errors) return { ok: false, errors: result.errors.map((e) => e.message) };
  const apiSchema = result.schema.toAPISchema().toGraphQLJSSchema();
  return { ok: true, supergraphSdl: result.supergraphSdl, apiSchemaSdl: `${printSchema(lexicographicSortSchema(apiSchema))}\n` };
}
