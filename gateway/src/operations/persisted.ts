import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { getOperationAST, parse, validate, type GraphQLError, type GraphQLSchema } from 'graphql';
import { z } from '@membership/config';
import { HttpError } from '@membership/subgraph';
import type { Viewer } from '@membership/viewer';

/**
 * A persisted-operation manifest as Apollo's tooling writes it
 * (`@apollo/generate-persisted-query-manifest`): each operation's id is the sha256 of its body.
 */
const manifestSchema = z.object({
  format: z.literal('apollo-persisted-query-manifest'),
  version: z.literal(1),
  operations: z.array(
    z.object({
      id: z.string().regex(/^[0-9a-f]{64}$/, 'a sha256 hex digest'),
      name: z.string().min(1),
      type: z.enum(['query', 'mutation', 'subscription']),
      body: z.string().min(1),
    }),
  ),
});

export interface PersistedOperation {
  id: string;
  name: string;
  type: 'query' | 'mutation' | 'subscription';
  body: string;
}

/** One caller's safelist: the operations it may run, by id. */
export interface Manifest {
  /** Whose it is: a partner's name, or `first-party` for the member apps. */
  owner: string;
  operations: ReadonlyMap<string, PersistedOperation>;
}

export const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex');

/** A manifest file that does not parse, or an operation whose id is not the hash of its body. */
export class ManifestError extends Error {
  override readonly name = 'ManifestError';
}

/** Reads and checks one manifest; `owner` is the file's name without `.json`. */
function readManifest(path: string): Manifest {
  const owner = basename(path, '.json');
  let parsed: z.infer<typeof manifestSchema>;
  try {
    parsed = manifestSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
  } catch (error) {
    throw new ManifestError(`${path}: not a persisted-operation manifest (${error instanceof Error ? error.message : String(error)})`);
  }
  const operations = new Map<string, PersistedOperation>();
  for (const op of parsed.operations) {
    if (sha256Hex(op.body) !== op.id)
      throw new ManifestError(`${owner}: operation ${op.name} has id ${op.id}, which is not the sha256 of its body`);
    operations.set(op.id, op);
  }
  return { owner, operations };
}

/** Every manifest in `dir` (`<owner>.json`), by owner; none when the folder does not exist. */
export function loadManifests(dir: string): Map<string, Manifest> {
  const manifests = new Map<string, Manifest>();
  if (!existsSync(dir)) return manifests;
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    const manifest = readManifest(join(dir, file));
    manifests.set(manifest.owner, manifest);
  }
  return manifests;
}

/**
 * What is wrong with a manifest's operations against `schema` (the public API schema): each
 * must parse, validate, and be the type the manifest says. One line per problem, naming the
 * owner and the operation; none when all is well.
 */
export function manifestProblems(manifest: Manifest, schema: GraphQLSchema): string[] {
  const problems: string[] = [];
  for (const op of manifest.operations.values()) {
    const where = `${manifest.owner}: operation ${op.name} (${op.id.slice(0, 12)}…)`;
    let errors: readonly GraphQLError[] = [];
    try {
      const document = parse(op.body);
      errors = validate(schema, document);
      const ast = getOperationAST(document, op.name) ?? getOperationAST(document);
      if (!ast) problems.push(`${where}: the body has no operation named ${op.name}`);
      else if (ast.operation !== op.type) problems.push(`${where}: the manifest says ${op.type}, the body is a ${ast.operation}`);
    } catch (error) {
      problems.push(`${where}: ${error instanceof Error ? error.message : String(error)}`);
    }
    for (const e of errors) problems.push(`${where}: ${e.message}`);
  }
  return problems;
}

/** The manifest of the member apps, used when members are held to a safelist. */
export const FIRST_PARTY = 'first-party';

export interface PersistedPolicy {
  manifests: ReadonlyMap<string, Manifest>;
  /** `apq`: members and staff may send documents or APQ hashes; `safelist`: members only run first-party operations. */
  memberOperations: 'apq' | 'safelist';
  /** The manifest owner a partner's operations come from (its registered name). */
  manifestOf(viewer: Extract<Viewer, { kind: 'partner' }>): string;
}

interface GraphQLBody {
  query?: unknown;
  extensions?: { persistedQuery?: { sha256Hash?: unknown } };
}

const refuse = (status: number, code: string, message: string) => new HttpError(status, message, code);

/**
 * The shape every safelisted request must have, whoever sends it: one POSTed JSON body naming
 * an operation by id and carrying no document. Checked for partners before their key is even
 * looked up, so a free-form query costs nothing beyond this.
 */
export function requirePersistedShape(body: unknown, method: string, who: string): GraphQLBody {
  if (method !== 'POST' || typeof body !== 'object' || body === null || Array.isArray(body))
    throw refuse(
      400,
      'PERSISTED_QUERY_REQUIRED',
      `${who} must POST one persisted operation as JSON: { "extensions": { "persistedQuery": { "version": 1, "sha256Hash": "<id>" } }, "variables": {...} }.`,
    );
  const request = body as GraphQLBody;
  if (request.query !== undefined && request.query !== null)
    throw refuse(
      400,
      'PERSISTED_QUERY_REQUIRED',
      `${who} may only run operations from its persisted-operation manifest: send the operation's id, not a query document.`,
    );
  if (typeof request.extensions?.persistedQuery?.sha256Hash !== 'string')
    throw refuse(
      400,
      'PERSISTED_QUERY_REQUIRED',
      `${who} must name an operation from its manifest in extensions.persistedQuery.sha256Hash.`,
    );
  return request;
}

/**
 * Holds a safelisted caller to its manifest before anything is parsed or planned: the request
 * names an operation by `extensions.persistedQuery.sha256Hash` (as Apollo Client's persisted
 * query link sends it), and the gateway puts that operation's body in its place. A document,
 * a missing hash or an id outside the caller's own manifest is refused here, so no subgraph
 * is ever called for it. Variables still go through validation as usual.
 */
export function enforceSafelist(policy: PersistedPolicy, viewer: Viewer, body: unknown, method: string): void {
  let owner: string;
  if (viewer.kind === 'partner') owner = policy.manifestOf(viewer);
  else if (viewer.kind === 'member' && policy.memberOperations === 'safelist') owner = FIRST_PARTY;
  else return;
  const request = requirePersistedShape(body, method, viewer.kind === 'partner' ? `Partner ${owner}` : 'This app');
  const hash = request.extensions!.persistedQuery!.sha256Hash as string;
  const operation = policy.manifests.get(owner)?.operations.get(hash);
  if (!operation)
    throw refuse(
      403,
      'PERSISTED_QUERY_NOT_ALLOWED',
      `Operation ${hash} is not in ${viewer.kind === 'partner' ? `partner ${owner}'s` : 'the first-party'} persisted-operation manifest (schema/persisted/${owner}.json).`,
    );
  // Apollo Server checks that the hash matches this body and runs it as if the caller had sent it.
  request.query = operation.body;
}
