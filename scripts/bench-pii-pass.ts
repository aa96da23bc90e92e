/**
 * npm run bench:pii:pass — what the PII layer does in process after the planner has
 * answered, with no servers: the guarded pass and, where values were disclosed, the
 * access-log entries. The planner's result for the bench:pii workloads (50 people × 4 PII
 * fields read by their owner or by support staff; 25 × 4 denied to an anonymous caller)
 * is made once, and each request runs over a fresh copy of it. Prints the best and median µs per
 * request of five rounds.
 */
import { buildSchema, execute, parse } from 'graphql';
import type { Viewer } from '@membership/viewer';
import { ownerNeeded } from '../gateway/src/pii/access.js';
import { entriesFor } from '../gateway/src/pii/access-log.js';
import { analyseDocument } from '../gateway/src/pii/augment.js';
import { executeGuarded } from '../gateway/src/pii/guarded-execution.js';
import { buildGuardedSchema, type PiiExecutionContext } from '../gateway/src/pii/guarded-schema.js';
import { readPiiMarks } from '../gateway/src/pii/marks.js';
import { loadBenchPiiPassEnv } from './bench/env.js';
import { BENCH_OWNER, benchPeople } from './bench/people-subgraph.js';

const { BENCH_REQUESTS: REQUESTS, BENCH_ONLY: ONLY } = loadBenchPiiPassEnv();
const ROUNDS = 5;

// The bench:pii subgraph's Person (scripts/bench/people-subgraph.ts) as a plain schema.
const SDL = `directive @pii(category: String!) on FIELD_DEFINITION
type Person {
  id: ID! memberId: ID! displayName: String! tier: String!
  email: String @pii(category: "CONTACT") phone: String @pii(category: "CONTACT")
  realName: String @pii(category: "IDENTITY") idNumber: String @pii(category: "IDENTITY")
}
type Query { people(count: Int!, owners: Int = 1): [Person!]! }`;
const api = buildSchema(SDL.replace(/directive @pii.*\n/, '').replace(/@pii\([^)]*\)/g, ''));
const guarded = buildGuardedSchema(api, readPiiMarks(SDL));
const policy = { purposes: ['support'], partnerConsent: () => false };
const rootValue = { people: ({ count, owners }: { count: number; owners: number }) => benchPeople(count, owners) };
const FIELDS = 'id displayName tier email phone realName idNumber';
const workloads: { name: string; query: string; viewer: Viewer }[] = [
  { name: 'owner, 50 × 4 allowed', query: `{ people(count: 50) { ${FIELDS} } }`, viewer: { kind: 'member', memberId: BENCH_OWNER } },
  {
    name: 'support staff, 50 owners × 4 allowed',
    query: `{ people(count: 50, owners: 50) { ${FIELDS} } }`,
    viewer: { kind: 'staff', staffId: 's-1', scopes: ['pii:contact:read', 'pii:identity:read'], purpose: 'support' },
  },
  { name: 'anonymous, 25 × 4 denied', query: `{ people(count: 25) { ${FIELDS} } }`, viewer: { kind: 'anonymous' } },
];

/** A deep copy whose objects have no prototype, as @apollo/gateway's result shaping makes them. */
function asPlanned(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(asPlanned);
  if (value === null || typeof value !== 'object') return value;
  const copy = Object.create(null) as Record<string, unknown>;
  for (const [key, inner] of Object.entries(value)) copy[key] = asPlanned(inner);
  return copy;
}

for (const { name, query, viewer } of workloads.filter((w) => !ONLY || w.name.startsWith(ONLY))) {
  const document = parse(query);
  const analysis = analyseDocument(api, guarded.marks, document);
  const planned = (ownerNeeded(viewer) ? analysis.withOwners : analysis.withoutOwners)?.document ?? document;
  const result = await execute({ schema: api, document: planned, rootValue });
  const rounds: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    // Guarded execution writes into the planner's result, so each request gets its own copy,
    // made of prototype-less objects like the ones Apollo's result shaping builds.
    const copies = Array.from({ length: REQUESTS }, () => asPlanned(result.data) as Record<string, unknown>);
    const started = performance.now();
    for (const data of copies) {
      const contextValue: PiiExecutionContext = { viewer, policy, disclosures: [] };
      await executeGuarded({ schema: guarded.schema, marks: guarded.marks, document: analysis.pruned!, data, contextValue });
      if (contextValue.disclosures.length > 0) entriesFor(contextValue.disclosures, { viewer, requestId: 'bench', operationName: null });
    }
    rounds.push(((performance.now() - started) / REQUESTS) * 1000);
  }
  rounds.sort((a, b) => a - b);
  console.log(`${name}: best ${rounds[0]!.toFixed(1)}, median ${rounds[2]!.toFixed(1)} µs per request`);
}
