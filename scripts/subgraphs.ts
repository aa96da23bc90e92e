import { readFileSync } from 'node:fs';
import type { SubgraphSource } from '@membership/composition';

/** The five subgraphs and where they listen by default (the URLs in the committed supergraph). */
export const SUBGRAPHS = [
  { name: 'identity', port: 4101 },
  { name: 'tiers', port: 4102 },
  { name: 'points', port: 4103 },
  { name: 'orders', port: 4104 },
  { name: 'moderation', port: 4105 },
] as const;

export const SUPERGRAPH_FILE = new URL('../schema/supergraph.graphql', import.meta.url);
/** The public API schema: what clients (frontend teams, partners) generate typed operations from. */
export const API_SCHEMA_FILE = new URL('../schema/api.graphql', import.meta.url);

/** Reads each subgraph's SDL file. */
export function subgraphSources(): SubgraphSource[] {
  return SUBGRAPHS.map(({ name, port }) => ({
    name,
    url: `http://127.0.0.1:${port}/graphql`,
    sdl: readFileSync(new URL(`../subgraphs/${name}/src/schema.graphql`, import.meta.url), 'utf8'),
  }));
}
