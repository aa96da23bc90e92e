import { randomUUID } from 'node:crypto';
import { sql } from '@membership/db';
import { deliveries, eventLog } from '@membership/events';
import { TEST_ENV, type GqlResult, type TestStack } from './index.js';
import { GATEWAY_SERVICE, VIEWER_HEADER, viewerSigner, type ViewerSigner, type Viewer } from '@membership/viewer';

/** Identity's export job, as it signs its calls to the other subgraphs. */
export const IDENTITY: Viewer = { kind: 'service', service: 'identity' };

/**
 * Publishes a MemberErased as identity will, straight into the broker and only to
 * `consumer`'s queue (identity's own erasure is built elsewhere); drain to apply it.
 */
export async function publishMemberErased(stack: TestStack, consumer: string, memberId: string, erasedAt = new Date()): Promise<string> {
  const eventId = randomUUID();
  const { db } = stack.database;
  await db.insert(eventLog).values({
    eventId,
    type: 'MemberErased',
    producer: 'identity',
    payload: { memberId, erasedAt: erasedAt.toISOString() },
    occurredAt: erasedAt,
    publishedAt: erasedAt,
  });
  await db.insert(deliveries).values({ consumer, eventId, availableAt: erasedAt });
  return eventId;
}

/**
 * For every table of `schema`, how many rows mention `memberId` anywhere (any column,
 * JSON payloads and idempotency keys included, through the row's text form). Tables
 * with none are left out, so "nothing links to the member" is an empty object.
 */
export async function rowsMentioning(stack: TestStack, schema: string, memberId: string): Promise<Record<string, number>> {
  const tables = await stack.database.rows<{ name: string }>(
    sql`select table_name as name from information_schema.tables where table_schema = ${schema} and table_type = 'BASE TABLE'`,
  );
  const found: Record<string, number> = {};
  for (const { name } of tables) {
    const [row] = await stack.database.rows<{ n: number | string }>(
      sql`select count(*) as n from ${sql.identifier(schema)}.${sql.identifier(name)} as t where t::text like ${`%${memberId}%`}`,
    );
    const n = Number(row?.n ?? 0);
    if (n > 0) found[name] = n;
  }
  return found;
}

/**
 * The test stack's signers: the gateway's key (it forwards any caller) and identity's
 * (itself only). Built on first use: index.ts, which holds TEST_ENV, imports this file.
 */
export const testSigners = {
  get gateway(): ViewerSigner {
    return viewerSigner(GATEWAY_SERVICE, TEST_ENV.GATEWAY_SIGNING_KEY);
  },
  get identity(): ViewerSigner {
    return viewerSigner('identity', TEST_ENV.IDENTITY_SIGNING_KEY);
  },
};

/**
 * Calls a subgraph directly, signed as `viewer` for that subgraph and that body, as the
 * gateway would (or, for identity's service viewer, as identity's export job does); `signer`
 * picks another key.
 */
export async function callSubgraph(
  stack: TestStack,
  name: string,
  query: string,
  variables: Record<string, unknown>,
  viewer: Viewer,
  options: { signer?: ViewerSigner; header?: string } = {},
): Promise<GqlResult> {
  const signer =
    options.signer ?? (viewer.kind === 'service' && viewer.service === 'identity' ? testSigners.identity : testSigners.gateway);
  const body = { query, variables };
  const header = options.header ?? (await signer.sign(viewer, { audience: name, body, requestId: `test-${randomUUID()}` }));
  const response = await fetch(stack.subgraphs[name]!.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [VIEWER_HEADER]: header },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: GqlResult['body'];
  try {
    parsed = JSON.parse(text) as GqlResult['body'];
  } catch {
    throw new Error(`${name} answered ${response.status} with non-JSON: ${text.slice(0, 200)}`);
  }
  return { status: response.status, headers: response.headers, body: parsed };
}

/** The internal export query every subgraph holding member data answers. */
export const MEMBER_DATA_EXPORT = /* GraphQL */ `
  query MemberDataExport($memberId: ID!) {
    memberDataExport(memberId: $memberId)
  }
`;
