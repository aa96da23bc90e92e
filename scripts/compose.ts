/**
 * npm run compose            writes schema/supergraph.graphql from the subgraph SDL files
 * npm run compose -- --check exits 1 when that file is stale, composition fails, or a
 *                            subgraph uses @pii without @composeDirective, or holds
 *                            member data (Member fields, a memberId field) and marks
 *                            nothing @pii
 */
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { composeSupergraph } from '@membership/composition';
import { SUPERGRAPH_FILE, subgraphSources } from './subgraphs.js';

const check = process.argv.includes('--check');
const result = composeSupergraph(subgraphSources());
if (!result.ok) {
  console.error(`Composition failed:\n- ${result.errors.join('\n- ')}`);
  process.exit(1);
}
const current = existsSync(SUPERGRAPH_FILE) ? readFileSync(SUPERGRAPH_FILE, 'utf8') : '';
if (check) {
  if (current !== result.supergraphSdl) {
    console.error('schema/supergraph.graphql is stale: run `npm run compose` and commit it.');
    process.exit(1);
  }
  console.log('schema/supergraph.graphql matches the subgraph schemas.');
} else {
  writeFileSync(SUPERGRAPH_FILE, result.supergraphSdl);
  console.log(current === result.supergraphSdl ? 'schema/supergraph.graphql is up to date.' : 'Wrote schema/supergraph.graphql.');
}
