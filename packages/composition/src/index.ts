import { composeServices } from '@apollo/composition';
import { Kind, parse, visit, type DocumentNode } from 'graphql';

export interface SubgraphSource {
  name: string;
  url: string;
  sdl: string;
}

export type CompositionResult = { ok: true; supergraphSdl: string } | { ok: false; errors: string[] };

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

/** Composes subgraphs into a supergraph with Apollo's composition, refusing dropped @pii marks. */
export function composeSupergraph(subgraphs: SubgraphSource[]): CompositionResult {
  const piiProblems = piiWithoutComposeDirective(subgraphs);
  if (piiProblems.length > 0) return { ok: false, errors: piiProblems };
  const result = composeServices(subgraphs.map((s) => ({ name: s.name, url: s.url, typeDefs: parse(s.sdl) })));
  if (result.errors) return { ok: false, errors: result.errors.map((e) => e.message) };
  return { ok: true, supergraphSdl: result.supergraphSdl };
}
