/**
 * npm run compose            writes schema/supergraph.graphql from the subgraph SDL files, and
 *                            schema/api.graphql (the public API schema clients generate from)
 * npm run compose -- --check exits 1 when either file is stale, composition fails, or a
 *                            subgraph uses @pii without @composeDirective, or holds
 *                            member data (Member fields, a memberId field) and marks
 *                            nothing @pii
 */
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { composeSupergraph } from '@membership/composition';
import { API_SCHEMA_FILE, SUPERGRAPH_FILE, subgraphSources } from './subgraphs.js';

const check = process.argv.includes('--check');
const result = composeSupergraph(subgraphSources());
if (!result.ok) {
  console.error(`Composition failed:\n- ${result.errors.join('\n- ')}`);
  process.exit(1);
}
const outputs = [
  { file: SUPERGRAPH_FILE, name: 'schema/supergraph.graphql', text: result.supergraphSdl },
  { file: API_SCHEMA_FILE, name: 'schema/api.graphql', text: result.apiSchemaSdl },
];
let stale = false;
for (const { file, name, text } of outputs) {
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '';
  if (check) {
    if (current !== text) {
      console.error(`${name} is stale: run \`npm run compose\` and commit it.`);
      stale = true;
    } else console.log(`${name} matches the subgraph schemas.`);
  } else {
    writeFileSync(file, text);
    console.log(current === text ? `${name} is up to date.` : `Wrote ${name}.`);
  }
}
if (stale) process.exit(1);
