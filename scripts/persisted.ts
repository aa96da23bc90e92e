/**
 * npm run persisted -- check   validates every manifest in schema/persisted/ against the public
 *                              API schema (schema/api.graphql, from the subgraphs as they are now):
 *                              each operation must parse, validate, be of the type the manifest
 *                              says and have the sha256 of its body as its id. Exits 1 naming
 *                              each broken manifest owner and operation.
 * npm run persisted -- list    prints each manifest's owner and operation names.
 */
import { fileURLToPath } from 'node:url';
import { buildSchema } from 'graphql';
import { composeSupergraph } from '@membership/composition';
import { loadManifests, manifestProblems, type Manifest } from '@membership/gateway';
import { subgraphSources } from './subgraphs.js';

const PERSISTED_DIR = fileURLToPath(new URL('../schema/persisted', import.meta.url));

const command = process.argv[2] ?? 'check';
// The schema the subgraphs have now, composed here, so a change that breaks an operation fails
// before schema/api.graphql is even regenerated.
const composed = composeSupergraph(subgraphSources());
if (!composed.ok) {
  console.error(`Composition failed:\n- ${composed.errors.join('\n- ')}`);
  process.exit(1);
}
let manifests: Map<string, Manifest>;
try {
  manifests = loadManifests(PERSISTED_DIR);
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
if (command === 'list') {
  for (const m of manifests.values()) console.log(`${m.owner}: ${[...m.operations.values()].map((o) => o.name).join(', ')}`);
} else if (command === 'check') {
  const schema = buildSchema(composed.apiSchemaSdl);
  const problems = [...manifests.values()].flatMap((m) => manifestProblems(m, schema));
  if (problems.length > 0) {
    console.error(`Persisted operations broken by the current schema:\n- ${problems.join('\n- ')}`);
    process.exit(1);
  }
  const count = [...manifests.values()].reduce((n, m) => n + m.operations.size, 0);
  console.log(`${count} persisted operations in ${manifests.size} manifests are valid against the current schema.`);
} else {
  console.error(`Unknown command ${command}: use check or list.`);
  process.exit(2);
}
